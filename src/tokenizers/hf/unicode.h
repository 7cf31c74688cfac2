// UTF-8 decoding and the Unicode character classes the tokenizer.json
// components test (letters, numbers, White_Space, punctuation, marks, …).
//
// Why hand-written: the pre-tokenizer scanners and normalizers call these
// once per code point on the hot path; a flat table built once from ICU is
// several times faster than per-call ICU property lookups.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/ascii.h"
#include "core/utf8.h"

namespace epubtok::tokenizers::hf {

// Bits of char_class(). Each mirrors a Rust `char` predicate or an
// Oniguruma class used by the reference, so both sides agree.
enum CharClass : uint16_t {
  kLetter = 1 << 0,          // \p{L}
  kNumber = 1 << 1,          // \p{N} (Nd, Nl, No): Rust char::is_numeric
  kWhiteSpace = 1 << 2,      // White_Space property: Rust char::is_whitespace, Oniguruma \s
  kPunct = 1 << 3,           // \p{P}
  kSymbol = 1 << 4,          // \p{S}
  kMark = 1 << 5,            // \p{M}
  kMarkNonspacing = 1 << 6,  // Mn
  kAlphabetic = 1 << 7,      // Alphabetic property (Rust char::is_alphabetic)
  kOther = 1 << 8,           // Cc, Cf, Co, Cs (not Cn): Rust is_other as the reference uses it
  kWord = 1 << 9,            // Rust regex \w: Alphabetic, M, Nd, Pc, Join_Control
  kDecimal = 1 << 10,        // Nd
  kControl = 1 << 11,        // Cc
  kConnector = 1 << 12,      // Pc
  kOnigWord = 1 << 13,       // Oniguruma \w as measured: Alphabetic, M, Nd, Pc, and ²³¹¼½¾
};

namespace detail {
// The class table, or null until built. Inline readers check it without a
// function-static guard (measured: the out-of-line lookup was 13% of
// DeepSeek's pre-tokenization time).
extern std::atomic<const uint16_t*> g_char_classes;
const uint16_t* build_char_classes();
// char_class computed directly from ICU, one code point at a time: the
// oracle the table is tested against.
uint16_t char_class_from_icu(char32_t cp);
}  // namespace detail

// Class bits of code point `cp` (0 for cp > 0x10FFFF). Thread-safe; the
// table is built on first use (tens of milliseconds).
inline uint16_t char_class(char32_t cp) {
  const uint16_t* t = detail::g_char_classes.load(std::memory_order_acquire);
  if (__builtin_expect(t == nullptr, 0)) t = detail::build_char_classes();
  return cp <= 0x10FFFF ? t[cp] : 0;
}

// The script class the reference's UnicodeScripts pre-tokenizer gives `cp`:
// 0 for "Any" (U+0020 and code points its Unicode 9.0 table lacks), else a
// script id, with Hiragana, Katakana and U+30FC folded into Han as the
// reference does. Only equality between ids is meaningful. Thread-safe.
uint8_t unicode_script(char32_t cp);

// Decodes the code point at s[i] (s must be valid UTF-8, i < s.size()) and
// stores its length in *len.
inline char32_t decode_utf8(std::string_view s, size_t i, size_t* len) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
  unsigned char c = p[0];
  if (c < 0x80) {
    *len = 1;
    return c;
  }
  if (c < 0xE0) {
    *len = 2;
    return (char32_t(c & 0x1F) << 6) | (p[1] & 0x3F);
  }
  if (c < 0xF0) {
    *len = 3;
    return (char32_t(c & 0x0F) << 12) | (char32_t(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
  }
  *len = 4;
  return (char32_t(c & 0x07) << 18) | (char32_t(p[1] & 0x3F) << 12) | (char32_t(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
}

// Length of the UTF-8 sequence that starts with byte `lead` (valid input).
inline size_t utf8_len(unsigned char lead) { return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4; }

// first_non_ascii() comes from core/ascii.h.

// True when `s` is valid UTF-8 (no surrogates, no overlongs).
bool is_valid_utf8(std::string_view s);

// `s` with every invalid sequence replaced by U+FFFD, the way JavaScript's
// TextDecoder (and so the reference's callers) see such bytes.
std::string sanitize_utf8(std::string_view s);

// Full Unicode lowercase of one code point (Rust char::to_lowercase: no
// context, so a final sigma stays σ), appended to out.
void append_lowercase(char32_t cp, std::string& out);

}  // namespace epubtok::tokenizers::hf
