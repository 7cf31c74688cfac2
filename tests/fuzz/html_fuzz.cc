// libFuzzer target for content-document text extraction
// (epub/html_text.h), entities and encodings included: the input is
// decoded as a content document would be (charset.h) and its text
// extracted, and the raw bytes are extracted as well. Never a crash; the
// contract's visible promises hold: valid UTF-8 in gives valid UTF-8 out
// (numeric references to surrogates or past U+10FFFF included), no
// trailing white space, and unless the document has an element that keeps
// its lines (pre, …) no leading white space and no blank line.
//
//   make fuzz && build-fuzz/tests/fuzz/html_fuzz -max_total_time=600 build-fuzz/seeds/html_fuzz
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "epub/charset.h"
#include "epub/html_text.h"
#include "fuzz_support.h"

using namespace epubtok;

namespace {

bool is_ascii_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f'; }

bool contains_folded(std::string_view haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                     [](char a, char b) { return (a >= 'A' && a <= 'Z' ? a + 32 : a) == b; }) != haystack.end();
}

void check(std::string_view document, const epub::HtmlText& out) {
  const std::string& t = out.text;
  if (fuzz::reference_valid_utf8(document) && !fuzz::reference_valid_utf8(t))
    fuzz::fail("valid UTF-8 in, invalid UTF-8 out");
  if (!t.empty() && is_ascii_space(t.back())) fuzz::fail("text ends with white space");
  // Elements that keep their lines (and so may keep blank ones, and
  // indentation at the very start).
  bool keeps_lines = false;
  for (std::string_view name : {"pre", "listing", "textarea", "xmp", "plaintext"})
    keeps_lines = keeps_lines || contains_folded(document, name);
  if (keeps_lines) return;
  if (!t.empty() && is_ascii_space(t.front())) fuzz::fail("text starts with white space");
  if (t.find("\n\n") != std::string::npos) fuzz::fail("blank line outside pre");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  check(input, epub::extract_html_text(input));
  Result<std::string> utf8 = epub::decode_to_utf8(std::string(input), "OEBPS/fuzz.xhtml");
  if (utf8) check(*utf8, epub::extract_html_text(*utf8));
  return 0;
}
