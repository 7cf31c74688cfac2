// Character classes for the tiktoken-family pre-tokenizer patterns, and the
// UTF-8 decoding the scanners share.
//
// The classes follow Unicode 16.0, the version of the tables inside the
// reference (npm tiktoken@1.0.22 is built with Rust regex-syntax 0.8.5);
// see gen_unicode_tables.mjs for the source and why.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace epubtok::tokenizers::pretok {

// Bit flags of char_class(). kUpper/kLower are o200k's two letter sets:
// kUpper = [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}], kLower = [\p{Ll}\p{Lm}\p{Lo}\p{M}].
enum CharClassBits : uint8_t {
  kLetter = 1,  // \p{L}
  kNumber = 2,  // \p{N}
  kSpace = 4,   // \s, i.e. the White_Space property (what Rust regex means by \s)
  kUpper = 8,
  kLower = 16,
};

namespace detail {
#include "tokenizers/pretok/unicode_tables.inc"
}  // namespace detail

// The class bits of code point `cp`; 0 for anything not in a class
// (punctuation, symbols, controls, unassigned, out of range). Thread-safe.
inline uint8_t char_class(char32_t cp) {
  if (cp >= 0x110000) return 0;
  return detail::kClassStage2[(static_cast<uint32_t>(detail::kClassStage1[cp >> 8]) << 8) | (cp & 0xFF)];
}

// One decoded code point and the number of bytes it took.
struct Utf8Char {
  char32_t cp;
  uint32_t len;
};

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes the code point at `p` (p < end). Invalid or truncated sequences,
// overlong forms, surrogates and values above U+10FFFF decode as one byte of
// U+FFFD, so every byte is consumed exactly once and scanning never stalls.
// (The references take JavaScript strings, so they never see invalid UTF-8;
// our inputs are valid UTF-8 from the text extractor. U+FFFD is a symbol, so
// such a byte is grouped like punctuation, and BPE then encodes the raw byte.)
inline Utf8Char decode_utf8(const unsigned char* p, const unsigned char* end) {
  const unsigned char b0 = p[0];
  if (b0 < 0x80) return {b0, 1};
  const ptrdiff_t avail = end - p;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (avail >= 2 && (p[1] & 0xC0) == 0x80) return {static_cast<char32_t>(((b0 & 0x1F) << 6) | (p[1] & 0x3F)), 2};
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (avail >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
      char32_t cp = ((b0 & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
      if (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) return {cp, 3};
    }
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (avail >= 4 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 && (p[3] & 0xC0) == 0x80) {
      char32_t cp = ((b0 & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) | (p[3] & 0x3F);
      if (cp >= 0x10000 && cp <= 0x10FFFF) return {cp, 4};
    }
  }
  return {kReplacementChar, 1};
}

inline Utf8Char decode_utf8(std::string_view s, size_t pos) {
  const auto* base = reinterpret_cast<const unsigned char*>(s.data());
  return decode_utf8(base + pos, base + s.size());
}

}  // namespace epubtok::tokenizers::pretok
