// libFuzzer target for the package documents (epub/package.h): the input
// is read as META-INF/container.xml, as an OPF, and as an href to resolve.
// Each must give a value or EPUB_MALFORMED_XML, never a crash; a parsed OPF
// must be self-consistent (manifest_by_id points at the item with that id)
// and every resolved href must be a relative archive path without "." or
// ".." segments.
//
//   make fuzz && build-fuzz/tests/fuzz/package_fuzz -max_total_time=600 build-fuzz/seeds/package_fuzz
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error_codes.h"
#include "epub/package.h"
#include "fuzz_support.h"

using namespace epubtok;

namespace {

// An archive path as resolve_href() promises it: relative, no empty, "."
// or ".." segment.
void check_archive_path(const std::string& path) {
  if (path.empty()) return;  // an absolute URL resolves to ""
  if (path.front() == '/') fuzz::fail("resolved href is absolute:", path);
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string_view seg(path.data() + start, end - start);
    if (seg == "." || seg == "..") fuzz::fail("resolved href keeps a dot segment:", path);
    start = end + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  Result<std::string> opf_path = epub::parse_container(input);
  if (!opf_path && opf_path.status().code() != ErrorCode::kMalformedXml)
    fuzz::fail("unexpected container error", opf_path.status().message());

  for (const std::string base : {"OEBPS/content.opf", "content.opf", "a/b/c/package.opf"}) {
    Result<epub::Package> pkg = epub::parse_opf(input, base);
    if (!pkg) {
      if (pkg.status().code() != ErrorCode::kMalformedXml) fuzz::fail("unexpected OPF error", pkg.status().message());
      continue;
    }
    for (const auto& [id, index] : pkg->manifest_by_id) {
      if (index >= pkg->manifest.size()) fuzz::fail("manifest_by_id out of range for", id);
    }
    for (const epub::ManifestItem& item : pkg->manifest) check_archive_path(item.href);
    for (const epub::GuideRef& g : pkg->guide) check_archive_path(g.href);
    check_archive_path(pkg->nav_path);
    check_archive_path(pkg->ncx_path);
    epub::ChapterKind kind;
    for (const epub::GuideRef& g : pkg->guide) (void)epub::kind_from_types(g.type, kind);
  }

  // The input as an href, against a few base directories.
  if (size <= 4096) {
    for (std::string_view base : {"", "OEBPS/", "a/b/"}) check_archive_path(epub::resolve_href(base, input));
    (void)epub::dir_of(input);
    (void)epub::is_valid_isbn(input);
  }
  return 0;
}
