#include "tokenizers/hf/unicode.h"

#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include <iterator>

namespace epubtok::tokenizers::hf {
namespace {

struct ScriptRange {
  char32_t first, last;
  uint8_t script;
};

// Sorted, non-overlapping; code points in no range are "Any" (0).
constexpr ScriptRange kScriptRanges[] = {
#include "tokenizers/hf/unicode_scripts_table.inc"
};

}  // namespace

uint8_t unicode_script(char32_t cp) {
  // Binary search: UnicodeScripts is no preset's hot path, and 850 ranges
  // take ten probes.
  size_t lo = 0, hi = std::size(kScriptRanges);
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (kScriptRanges[mid].last < cp) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo < std::size(kScriptRanges) && kScriptRanges[lo].first <= cp ? kScriptRanges[lo].script : 0;
}

void append_lowercase(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
    return;
  }
  UChar src[2];
  int32_t src_len = 0;
  U16_APPEND_UNSAFE(src, src_len, static_cast<UChar32>(cp));
  UChar dst[8];
  UErrorCode err = U_ZERO_ERROR;
  // Root locale, no surrounding context: a single code point never sees the
  // final-sigma condition, matching Rust's per-char mapping.
  int32_t len = u_strToLower(dst, 8, src, src_len, "", &err);
  if (U_FAILURE(err)) {
    append_utf8(out, cp);
    return;
  }
  for (int32_t k = 0; k < len;) {
    UChar32 c;
    U16_NEXT(dst, k, len, c);
    append_utf8(out, static_cast<char32_t>(c));
  }
}

}  // namespace epubtok::tokenizers::hf
