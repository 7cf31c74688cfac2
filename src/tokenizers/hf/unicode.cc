#include "tokenizers/hf/unicode.h"

#include <unicode/uchar.h>
#include <unicode/uniset.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include <algorithm>
#include <iterator>
#include <memory>
#include <mutex>
#include <vector>

namespace epubtok::tokenizers::hf {
namespace {

constexpr char32_t kMaxCodePoint = 0x10FFFF;

// The class bits of a code point from its general category mask and three
// binary properties.
uint16_t class_bits(char32_t cp, uint32_t mask, bool white_space, bool alphabetic, bool join_control) {
  uint16_t bits = 0;
  if (mask & U_GC_L_MASK) bits |= kLetter;
  if (mask & U_GC_N_MASK) bits |= kNumber;
  if (mask & U_GC_ND_MASK) bits |= kDecimal;
  if (mask & U_GC_P_MASK) bits |= kPunct;
  if (mask & U_GC_S_MASK) bits |= kSymbol;
  if (mask & U_GC_M_MASK) bits |= kMark;
  if (mask & U_GC_MN_MASK) bits |= kMarkNonspacing;
  // Unassigned (Cn) code points are not "other" for the reference.
  if (mask & (U_GC_CC_MASK | U_GC_CF_MASK | U_GC_CO_MASK | U_GC_CS_MASK)) bits |= kOther;
  if (mask & U_GC_CC_MASK) bits |= kControl;
  if (mask & U_GC_PC_MASK) bits |= kConnector;
  if (white_space) bits |= kWhiteSpace;
  if (alphabetic) bits |= kAlphabetic;
  // Oniguruma reads code points below 256 from its Latin-1 table, where the
  // superscript digits and vulgar fractions are word characters too.
  if (alphabetic || (mask & (U_GC_M_MASK | U_GC_ND_MASK | U_GC_PC_MASK)) || cp == 0xB2 || cp == 0xB3 || cp == 0xB9 ||
      (cp >= 0xBC && cp <= 0xBE)) {
    bits |= kOnigWord;
  }
  if (alphabetic || (mask & (U_GC_M_MASK | U_GC_ND_MASK | U_GC_PC_MASK)) || join_control) {
    bits |= kWord;
  }
  return bits;
}

// Marks the code points of binary property `prop` in `out` (one byte each).
void mark_property(UProperty prop, uint8_t bit, std::vector<uint8_t>& out) {
  UErrorCode err = U_ZERO_ERROR;
  icu::UnicodeSet set;
  set.applyIntPropertyValue(prop, 1, err);
  for (int32_t r = 0; U_SUCCESS(err) && r < set.getRangeCount(); ++r) {
    for (UChar32 c = set.getRangeStart(r); c <= set.getRangeEnd(r); ++c) out[size_t(c)] |= bit;
  }
}

const std::vector<uint16_t>& class_table() {
  static const std::vector<uint16_t> table = [] {
    // Built from property ranges, not per-code-point ICU calls (measured:
    // 1.1M code points x four lookups was ~80 ms of every process start).
    std::vector<uint8_t> gc(kMaxCodePoint + 1), props(kMaxCodePoint + 1);
    u_enumCharTypes(
        [](const void* context, UChar32 start, UChar32 limit, UCharCategory type) -> UBool {
          auto* g = static_cast<std::vector<uint8_t>*>(const_cast<void*>(context));
          std::fill(g->begin() + start, g->begin() + limit, static_cast<uint8_t>(type));
          return true;
        },
        &gc);
    mark_property(UCHAR_WHITE_SPACE, 1, props);
    mark_property(UCHAR_ALPHABETIC, 2, props);
    mark_property(UCHAR_JOIN_CONTROL, 4, props);
    std::vector<uint16_t> t(kMaxCodePoint + 1);
    for (char32_t cp = 0; cp < 0x100; ++cp) {
      const uint8_t p = props[cp];
      t[cp] = class_bits(cp, U_MASK(gc[cp]), p & 1, p & 2, p & 4);
    }
    // Above Latin-1 the bits depend only on the category (< 32) and the
    // three properties: one class_bits call per combination, not per code
    // point (that loop was most of a regex preset's load).
    uint16_t by_key[32 * 8];
    for (unsigned key = 0; key < 32 * 8; ++key) {
      by_key[key] = class_bits(0x100, U_MASK(key & 31), key >> 5 & 1, key >> 5 & 2, key >> 5 & 4);
    }
    for (char32_t cp = 0x100; cp <= kMaxCodePoint; ++cp) t[cp] = by_key[(gc[cp] & 31) | (props[cp] << 5)];
    return t;
  }();
  return table;
}

}  // namespace

namespace detail {

uint16_t char_class_from_icu(char32_t cp) {
  const UChar32 c = static_cast<UChar32>(cp);
  return class_bits(cp, U_MASK(u_charType(c)), u_hasBinaryProperty(c, UCHAR_WHITE_SPACE),
                    u_hasBinaryProperty(c, UCHAR_ALPHABETIC), u_hasBinaryProperty(c, UCHAR_JOIN_CONTROL));
}

}  // namespace detail

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

namespace detail {

std::atomic<const uint16_t*> g_char_classes{nullptr};

const uint16_t* build_char_classes() {
  const uint16_t* t = class_table().data();  // thread-safe static init
  g_char_classes.store(t, std::memory_order_release);
  return t;
}

}  // namespace detail

namespace {

// Length of the valid sequence at s[i], or 0 when it is invalid. Follows the
// WHATWG decoder's notion of "maximal subpart" only in that the caller then
// skips one byte, which is what TextDecoder does for each bad lead.
size_t valid_sequence_length(std::string_view s, size_t i, size_t* bad_len) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  unsigned char c = p[i];
  *bad_len = 1;
  if (c < 0x80) return 1;
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  // The maximal subpart of an ill-formed sequence becomes one U+FFFD.
  for (size_t k = 1; k < len; ++k) {
    if (i + k >= n) {
      *bad_len = k;
      return 0;
    }
    unsigned char b = p[i + k];
    unsigned char l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
    if (b < l || b > h) {
      *bad_len = k;
      return 0;
    }
  }
  return len;
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
  // Runs over every input once, so the common sequences are checked inline
  // (measured: calling valid_sequence_length per non-ASCII character was
  // ~10% of counting time on text with 10% non-Latin scripts).
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t i = 0, n = s.size();
  auto cont = [&](size_t k) { return (p[k] & 0xC0) == 0x80; };
  while (true) {
    // ASCII sixteen bytes at a time, landing on the first non-ASCII byte
    // (measured: stepping byte by byte to it from the word that held it was
    // most of this function's 2.5 instructions per byte on book text with
    // typographic quotes). Not when the next byte is already non-ASCII, as
    // it mostly is inside a Cyrillic, Arabic or CJK word.
    if (i >= n) break;
    if (p[i] < 0x80) {
      i = first_non_ascii(s, i + 1);
      if (i >= n) break;
    }
    unsigned char c = p[i];
    if (c >= 0xC2 && c <= 0xDF && i + 1 < n && cont(i + 1)) {
      i += 2;
    } else if (c >= 0xE1 && c <= 0xEC && i + 2 < n && cont(i + 1) && cont(i + 2)) {
      i += 3;  // no overlong or surrogate forms start with E1..EC
    } else if (c == 0xE0 && i + 2 < n && p[i + 1] >= 0xA0 && p[i + 1] <= 0xBF && cont(i + 2)) {
      i += 3;  // E0 A0..BF: not overlong (Devanagari, Thai and other Indic scripts)
    } else {
      size_t bad;
      size_t len = valid_sequence_length(s, i, &bad);
      if (len == 0) return false;
      i += len;
    }
  }
  return true;
}

std::string sanitize_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  size_t i = 0, n = s.size();
  while (i < n) {
    size_t bad;
    size_t len = valid_sequence_length(s, i, &bad);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      i += bad;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  return out;
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
