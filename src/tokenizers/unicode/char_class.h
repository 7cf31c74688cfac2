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

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace epubtok::tokenizers {

// Why these versions:
//  - k16_0: npm tiktoken@1.0.22, the tiktoken engine's reference, runs Rust
//    regex-syntax 0.8.5 (the crate name and version are visible in its
//    .wasm), whose tables are Unicode 16.0; probing it confirms it (U+10D50
//    GARAY CAPITAL LETTER, new in 16.0, is \p{L} to it). Debian 12 has no
//    Unicode 16.0 data (unicode-data and ICU 72 are 15.0, PCRE2 10.42 is
//    14.0), so the table is generated from UCD 16.0 (gen_unicode16_tables.mjs)
//    and holds only the classes the tiktoken patterns use: kLetter, kNumber,
//    kWhiteSpace, kO200kUpper, kO200kLower.
//  - k15_0: the Hugging Face engine's classes, built from the linked ICU 72
//    (Unicode 15.0) at first use, with every bit below. Its reference is
//    Rust tokenizers (@anush008/tokenizers@0.6.0): the parity tests verify
//    this table against it on generated books, the tricky strings and random
//    text. That reference's own classes are newer than 15.0, though: probing
//    it, Oniguruma's \p{L} takes letters new in 15.1 (U+2EBF0) and 16.0
//    (U+10D50, U+1E5D0), and Rust's char::is_numeric the 16.0 digits
//    (U+16D70, U+1CCF0). So on characters assigned after 15.0 the engine
//    still differs from its reference; moving it to k16_0 needs a 16.0
//    table with all of its bits and the PCRE2 path's \p{…} ranges from the
//    same data.
enum class UnicodeVersion : uint8_t { k15_0, k16_0 };

// Class bits of char_class(). The first five are in both versions' tables;
// the rest only in k15_0's. Each mirrors a Rust `char` predicate, a Rust
// regex class or an Oniguruma class a reference uses.
enum CharClass : uint16_t {
  kLetter = 1 << 0,          // \p{L}
  kNumber = 1 << 1,          // \p{N} (Nd, Nl, No): Rust char::is_numeric
  kWhiteSpace = 1 << 2,      // White_Space: Rust \s and char::is_whitespace, Oniguruma \s
  kO200kUpper = 1 << 3,      // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}], o200k's first letter set
  kO200kLower = 1 << 4,      // [\p{Ll}\p{Lm}\p{Lo}\p{M}], its second
  kPunct = 1 << 5,           // \p{P}
  kSymbol = 1 << 6,          // \p{S}
  kMark = 1 << 7,            // \p{M}
  kMarkNonspacing = 1 << 8,  // Mn
  kAlphabetic = 1 << 9,      // Alphabetic property (Rust char::is_alphabetic)
  kOther = 1 << 10,          // Cc, Cf, Co, Cs (not Cn): Rust is_other as the reference uses it
  kWord = 1 << 11,           // Rust regex \w: Alphabetic, M, Nd, Pc, Join_Control
  kDecimal = 1 << 12,        // Nd
  kControl = 1 << 13,        // Cc
  kConnector = 1 << 14,      // Pc
  kOnigWord = 1 << 15,       // Oniguruma \w as measured: Alphabetic, M, Nd, Pc, and ²³¹¼½¾
};

// The bits each version's table carries.
inline constexpr uint16_t kUnicode16Bits = kLetter | kNumber | kWhiteSpace | kO200kUpper | kO200kLower;
inline constexpr uint16_t kUnicode15Bits = 0xFFFF;
constexpr uint16_t carried_bits(UnicodeVersion v) {
  return v == UnicodeVersion::k16_0 ? kUnicode16Bits : kUnicode15Bits;
}

namespace unicode_detail {
#include "tokenizers/unicode/unicode16_tables.inc"

// The k15_0 table, or null until built. Inline readers check it without a
// function-static guard, which on the scanners' hot path cost more than
// the lookup itself.
extern std::atomic<const uint16_t*> g_unicode15_classes;
const uint16_t* build_unicode15_classes();
// A k15_0 class computed directly from ICU, one code point at a time: the
// oracle the table is tested against.
uint16_t unicode15_class_from_icu(char32_t cp);
}  // namespace unicode_detail

// The class bits of code point `cp` in Unicode version V (0 for anything in
// no class, including cp > U+10FFFF). Thread-safe; the k15_0 table is built
// on first use (tens of milliseconds).
template <UnicodeVersion V>
uint16_t char_class(char32_t cp);

template <>
inline uint16_t char_class<UnicodeVersion::k16_0>(char32_t cp) {
  if (cp >= 0x110000) return 0;
  return unicode_detail::kClassStage2[(static_cast<uint32_t>(unicode_detail::kClassStage1[cp >> 8]) << 8) |
                                      (cp & 0xFF)];
}

template <>
inline uint16_t char_class<UnicodeVersion::k15_0>(char32_t cp) {
  const uint16_t* t = unicode_detail::g_unicode15_classes.load(std::memory_order_acquire);
  if (__builtin_expect(t == nullptr, 0)) t = unicode_detail::build_unicode15_classes();
  return cp <= 0x10FFFF ? t[cp] : 0;
}

}  // namespace epubtok::tokenizers
