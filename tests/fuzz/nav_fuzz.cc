// libFuzzer target for the navigation documents (epub/package.h): the input
// is read as an EPUB 3 nav document and as an EPUB 2 NCX. parse_nav never
// fails; parse_ncx gives entries or EPUB_MALFORMED_XML. Never a crash; every
// entry's href is a relative archive path without a fragment.
//
//   make fuzz && build-fuzz/tests/fuzz/nav_fuzz -max_total_time=600 build-fuzz/seeds/nav_fuzz
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error_codes.h"
#include "epub/package.h"
#include "fuzz_support.h"

using namespace epubtok;

namespace {

void check_entries(const std::vector<epub::NavEntry>& entries) {
  for (const epub::NavEntry& e : entries) {
    if (!e.href.empty() && e.href.front() == '/') fuzz::fail("nav href is absolute:", e.href);
    if (e.href.find('#') != std::string::npos) fuzz::fail("nav href keeps its fragment:", e.href);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  epub::Navigation nav = epub::parse_nav(input, "OEBPS/nav.xhtml");
  check_entries(nav.toc);
  check_entries(nav.landmarks);
  epub::ChapterKind kind;
  for (const epub::NavEntry& e : nav.landmarks) (void)epub::kind_from_types(e.label, kind);

  Result<std::vector<epub::NavEntry>> ncx = epub::parse_ncx(input, "OEBPS/toc.ncx");
  if (ncx) {
    check_entries(*ncx);
  } else if (ncx.status().code() != ErrorCode::kMalformedXml) {
    fuzz::fail("unexpected NCX error", ncx.status().message());
  }
  return 0;
}
