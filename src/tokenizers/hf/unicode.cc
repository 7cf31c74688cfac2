#include "tokenizers/hf/unicode.h"

#include <algorithm>
#include <iterator>

namespace epubtok::tokenizers::hf {
namespace {

struct ScriptRange {
  char32_t first, last;
  uint8_t script;
};

// Rust's char::to_lowercase, generated (gen_hf_tables.mjs): code points
// missing from the table lowercase to themselves.
struct LowercaseEntry {
  char32_t from, to, to2;  // to2: a second code point, or 0
};
#define EPUBTOK_HF_LOWERCASE
#include "tokenizers/unicode/hf_tables.inc"
#undef EPUBTOK_HF_LOWERCASE

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
  const auto* end = std::end(kHfLowercase);
  const auto* it = std::lower_bound(std::begin(kHfLowercase), end, cp,
                                    [](const LowercaseEntry& e, char32_t c) { return e.from < c; });
  if (it == end || it->from != cp) {
    append_utf8(out, cp);
    return;
  }
  append_utf8(out, it->to);
  if (it->to2 != 0) append_utf8(out, it->to2);
}

}  // namespace epubtok::tokenizers::hf
