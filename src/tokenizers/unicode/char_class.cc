// The UnicodeVersion::k15_0 class table, built from the linked ICU 72
// (Unicode 15.0) at first use; see char_class.h for why this version.
#include <unicode/uchar.h>
#include <unicode/uniset.h>

#include <algorithm>
#include <vector>

#include "tokenizers/unicode/char_class.h"

namespace epubtok::tokenizers {
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
  if (mask & (U_GC_LU_MASK | U_GC_LT_MASK | U_GC_LM_MASK | U_GC_LO_MASK | U_GC_M_MASK)) bits |= kO200kUpper;
  if (mask & (U_GC_LL_MASK | U_GC_LM_MASK | U_GC_LO_MASK | U_GC_M_MASK)) bits |= kO200kLower;
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
    // Built from property ranges, not per-code-point ICU calls: 1.1M code
    // points times four lookups would slow every process start.
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

namespace unicode_detail {

uint16_t unicode15_class_from_icu(char32_t cp) {
  const UChar32 c = static_cast<UChar32>(cp);
  return class_bits(cp, U_MASK(u_charType(c)), u_hasBinaryProperty(c, UCHAR_WHITE_SPACE),
                    u_hasBinaryProperty(c, UCHAR_ALPHABETIC), u_hasBinaryProperty(c, UCHAR_JOIN_CONTROL));
}

}  // namespace unicode_detail

namespace unicode_detail {

std::atomic<const uint16_t*> g_unicode15_classes{nullptr};

const uint16_t* build_unicode15_classes() {
  const uint16_t* t = class_table().data();  // thread-safe static init
  g_unicode15_classes.store(t, std::memory_order_release);
  return t;
}

}  // namespace unicode_detail

}  // namespace epubtok::tokenizers
