// libFuzzer target for charset sniffing and conversion (epub/charset.h).
// Never a crash; and:
// - is_valid_utf8 agrees with an independent reading of the Unicode
//   definition (fuzz_support.h);
// - repair_utf8 always gives valid UTF-8 and leaves valid UTF-8 unchanged;
// - a successful decode_to_utf8 gives valid UTF-8 without the UTF-8 byte
//   order mark,
//   decode_in_place gives the same, and a failure is EPUB_UNKNOWN_ENCODING;
// - sniff_encoding gives a trimmed label.
//
//   make fuzz && build-fuzz/tests/fuzz/charset_fuzz -max_total_time=600 build-fuzz/seeds/charset_fuzz
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error_codes.h"
#include "epub/charset.h"
#include "fuzz_support.h"

using namespace epubtok;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  bool valid = fuzz::reference_valid_utf8(input);
  if (epub::is_valid_utf8(input) != valid) fuzz::fail("is_valid_utf8 disagrees with the reference");
  std::string repaired = epub::repair_utf8(input);
  if (!fuzz::reference_valid_utf8(repaired)) fuzz::fail("repair_utf8 output is not valid UTF-8");
  if (valid && repaired != input) fuzz::fail("repair_utf8 changed valid UTF-8");

  std::string label = epub::sniff_encoding(input);
  if (!label.empty() && (label.front() == ' ' || label.back() == ' ')) fuzz::fail("label not trimmed:", label);

  Result<std::string> decoded = epub::decode_to_utf8(std::string(input), "fuzz.xhtml");
  std::string in_place(input);
  Status s = epub::decode_in_place(in_place, "fuzz.xhtml");
  if (decoded) {
    if (!s) fuzz::fail("decode_in_place fails where decode_to_utf8 succeeds");
    if (in_place != *decoded) fuzz::fail("decode_in_place and decode_to_utf8 disagree");
    if (!fuzz::reference_valid_utf8(*decoded)) fuzz::fail("decoded text is not valid UTF-8, label", label);
    // A UTF-8 byte order mark is dropped (unless the text itself starts with
    // U+FEFF, i.e. the mark is doubled).
    if (input.rfind("\xEF\xBB\xBF", 0) == 0 && input.rfind("\xEF\xBB\xBF\xEF\xBB\xBF", 0) != 0 &&
        decoded->rfind("\xEF\xBB\xBF", 0) == 0)
      fuzz::fail("decoded text keeps a byte order mark, label", label);
  } else {
    if (decoded.status().code() != ErrorCode::kUnknownEncoding)
      fuzz::fail("unexpected decode error", decoded.status().message());
    if (s) fuzz::fail("decode_in_place succeeds where decode_to_utf8 fails");
    if (in_place != input) fuzz::fail("decode_in_place changed the document on error");
  }
  return 0;
}
