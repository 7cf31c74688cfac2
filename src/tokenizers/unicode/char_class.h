// The Unicode character classes both tokenizer engines test: one set of
// class bits, and one table per Unicode version a reference needs.
//
// Every pre-tokenizer pattern and normalizer rule asks the same questions
// of a code point (is it \p{L}, \p{N}, White_Space, punctuation, a mark…),
// and the answers depend on the Unicode version of the reference being
// matched: a character assigned in a later version is a letter to one
// reference and unassigned to another, and so lands in a different piece.
// So the version is a parameter, UnicodeVersion, and each engine names its
// own once (pretok/scanner.h for the tiktoken engine, hf/unicode.h for the
// Hugging Face engine).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace epubtok::tokenizers {

// Why these versions (each engine's reference, probed on every code point;
// probe_hf_reference.mjs re-runs the Hugging Face engine's probes):
//  - k16_0: npm tiktoken@1.0.22, the tiktoken engine's reference, runs Rust
//    regex-syntax 0.8.5 (the crate name and version are visible in its
//    .wasm), whose tables are Unicode 16.0; probing it confirms it (U+10D50
//    GARAY CAPITAL LETTER, new in 16.0, is \p{L} to it). Debian 12 has no
//    Unicode 16.0 data (unicode-data and ICU 72 are 15.0, PCRE2 10.42 is
//    14.0), so the table is generated from UCD 16.0 (gen_unicode16_tables.mjs)
//    and holds only the classes the tiktoken patterns use: kLetter, kNumber,
//    kWhiteSpace, kO200kUpper, kO200kLower.
//  - kHfReference: the Hugging Face engine's classes. Its reference, Rust
//    tokenizers 0.22.2 in npm @anush008/tokenizers@0.6.0, takes its classes
//    from four places with four Unicode versions, and on every code point
//    each class equals that version's UCD class exactly:
//      Oniguruma (onig 6.5.1: Split and the other regex patterns) \p{L},
//        \p{N}, \p{P}, \p{S}, \p{M}, \s, \w and \d: Unicode 16.0 (U+2EBF0,
//        new in 15.1, and U+10D50 and U+1E5D0, new in 16.0, are \p{L};
//        U+16D70 and U+1CCF0 \p{N}; U+1E5FF \p{P}; U+1CC00 \p{S}; U+10D69
//        \p{M}; U+166D and U+111C9, punctuation until 10.0 and 11.0, are
//        not \p{P});
//      Rust regex-syntax 0.8.10, \w (added tokens' single_word): 16.0;
//      Rust's standard library, char::is_numeric (Digits): 17.0 (U+11DE0,
//        new in 17.0, is numeric); char::is_whitespace is the same 25 code
//        points in every version since 8.0;
//      the unicode_categories crate, is_punctuation (Punctuation and
//        BertPreTokenizer), is_other (BertNormalizer's clean_text) and
//        is_mark_nonspacing (its strip_accents): 8.0 (U+2E43, punctuation
//        since 9.0, is not punctuation to it, while U+166D and U+111C9 are;
//        U+08E2, a format character since 9.0, is not removed; U+08D4, a
//        nonspacing mark since 9.0, is not stripped);
//      unicode-normalization-alignments 0.1.12, is_combining_mark
//        (StripAccents): 9.0 (U+08D4 is stripped, U+07FD, a mark since
//        11.0, and U+10D69 are kept).
//    White space is the same set in all of them. The table is generated
//    from those UCD versions (gen_hf_tables.mjs), so it costs nothing at
//    start-up. The same reference's normalizers are older still: see
//    hf/normalizers.cc.
enum class UnicodeVersion : uint8_t { k16_0, kHfReference };

// Class bits of char_class(). The first five are in both tables; the rest
// only in kHfReference's. Each mirrors a Rust `char` predicate, a Rust regex
// class, an Oniguruma class or a crate's predicate a reference uses; the
// versions are those above.
enum CharClass : uint16_t {
  kLetter = 1 << 0,            // \p{L}
  kNumber = 1 << 1,            // \p{N} (Nd, Nl, No) of the regex engine
  kWhiteSpace = 1 << 2,        // White_Space: Rust \s and char::is_whitespace, Oniguruma \s
  kO200kUpper = 1 << 3,        // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}], o200k's first letter set
  kO200kLower = 1 << 4,        // [\p{Ll}\p{Lm}\p{Lo}\p{M}], its second
  kPunct = 1 << 5,             // Oniguruma \p{P}
  kSymbol = 1 << 6,            // Oniguruma \p{S}
  kMark = 1 << 7,              // Oniguruma \p{M}
  kMarkNonspacing = 1 << 8,    // Mn: unicode_categories is_mark_nonspacing
  kNumeric = 1 << 9,           // Nd, Nl, No: Rust char::is_numeric
  kOther = 1 << 10,            // Cc, Cf, Co: unicode_categories is_other as the reference uses it
  kWord = 1 << 11,             // Rust regex \w: Alphabetic, M, Nd, Pc, Join_Control
  kCategoriesPunct = 1 << 12,  // P: unicode_categories is_punctuation
  kCombiningMark = 1 << 13,    // M: unicode-normalization-alignments is_combining_mark
  kOnigWord = 1 << 15,         // Oniguruma \w as measured: Alphabetic, M, Nd, Pc, and ²³¹¼½¾
};

// The bits each table carries.
inline constexpr uint16_t kUnicode16Bits = kLetter | kNumber | kWhiteSpace | kO200kUpper | kO200kLower;
inline constexpr uint16_t kHfReferenceBits = 0xFFFF & ~(1 << 14);
constexpr uint16_t carried_bits(UnicodeVersion v) {
  return v == UnicodeVersion::k16_0 ? kUnicode16Bits : kHfReferenceBits;
}

namespace unicode_detail {
#include "tokenizers/unicode/unicode16_tables.inc"
#define EPUBTOK_HF_CLASS_TABLE
#include "tokenizers/unicode/hf_tables.inc"
#undef EPUBTOK_HF_CLASS_TABLE
}  // namespace unicode_detail

// The class bits of code point `cp` in table V (0 for anything in no class,
// including cp > U+10FFFF). Both tables are compile-time constants.
template <UnicodeVersion V>
uint16_t char_class(char32_t cp);

template <>
inline uint16_t char_class<UnicodeVersion::k16_0>(char32_t cp) {
  if (cp >= 0x110000) return 0;
  return unicode_detail::kClassStage2[(static_cast<uint32_t>(unicode_detail::kClassStage1[cp >> 8]) << 8) |
                                      (cp & 0xFF)];
}

template <>
inline uint16_t char_class<UnicodeVersion::kHfReference>(char32_t cp) {
  if (cp >= 0x110000) return 0;
  return unicode_detail::kHfClassStage2[(static_cast<uint32_t>(unicode_detail::kHfClassStage1[cp >> 8]) << 8) |
                                        (cp & 0xFF)];
}

// A range of code points, first..last inclusive.
struct CodePointRange {
  char32_t first, last;
};

// The Unicode 16.0 ranges of property `name` as Oniguruma names it (a
// general category by short or long name, a script by its long name,
// Alphabetic, White_Space, Uppercase, Lowercase or Join_Control; case,
// spaces, '_' and '-' ignored), sorted; {nullptr, 0} when the name is none
// of those. "@onigword" gives Oniguruma's \w. For the Hugging Face engine's
// regex path (hf/regex.cc).
struct CodePointRanges {
  const CodePointRange* data;
  size_t size;
};
CodePointRanges unicode16_property(std::string_view name);

}  // namespace epubtok::tokenizers
