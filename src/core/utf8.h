// UTF-8 encoding and decoding, shared by every module that builds text
// from code points or reads it back (the tokenizer engines among them).
//
// Two decoders, for the two kinds of input: decode_utf8() takes any bytes
// and reads each invalid byte as one U+FFFD (the tiktoken engine and NFKC
// scan raw text this way); decode_valid_utf8() takes text already known to
// be valid (the Hugging Face engine sanitizes its input first, as the
// reference's JavaScript callers would see it, then decodes without checks).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace epubtok {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// One decoded code point and the number of bytes it took.
struct Utf8Char {
  char32_t cp;
  uint32_t len;
};

// Decodes the code point at `p` (p < end). Invalid or truncated sequences,
// overlong forms, surrogates and values above U+10FFFF decode as one byte of
// U+FFFD, so every byte is consumed exactly once and a scan never stalls.
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

// Decodes the code point at `p`, the start of a code point of valid UTF-8,
// and stores its length in *len. No checks: the caller guarantees validity
// (is_valid_utf8, sanitize_utf8).
inline char32_t decode_valid_utf8(const unsigned char* p, size_t* len) {
  const unsigned char c = p[0];
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

// The same at s[i] (i < s.size()).
inline char32_t decode_valid_utf8(std::string_view s, size_t i, size_t* len) {
  return decode_valid_utf8(reinterpret_cast<const unsigned char*>(s.data()) + i, len);
}

// Length of the UTF-8 sequence that starts with byte `lead` (valid input).
inline size_t utf8_len(unsigned char lead) { return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4; }

// True when `s` is valid UTF-8 (no surrogates, no overlongs).
bool is_valid_utf8(std::string_view s);

// `s` with each maximal ill-formed subpart replaced by U+FFFD, the way
// JavaScript's TextDecoder (and so a JavaScript caller of a reference
// tokenizer) sees such bytes.
std::string sanitize_utf8(std::string_view s);

// Appends the UTF-8 encoding of `cp` to `out`. Surrogates and values above
// U+10FFFF are not scalar values and have no UTF-8 form: they become U+FFFD,
// as every decoder in this project and the references treat them.
inline void append_utf8(std::string& out, char32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// The code point whose UTF-8 encoding ends just before `end` (<= size),
// or U+FFFD when the bytes there are not one well-formed sequence (Unicode
// Table 3-7: no overlongs, surrogates or values above U+10FFFF, no stray
// continuation bytes). For rules that look at the character before a
// position, such as the tokenizers' clean splits.
inline char32_t code_point_before(std::string_view text, size_t end) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  size_t start = end;
  while (start > 0 && end - start < 3 && (byte(start - 1) & 0xC0) == 0x80) --start;
  if (start == 0) return 0xFFFD;
  --start;
  const unsigned char lead = byte(start);
  const size_t len = end - start;
  if (lead < 0x80) return len == 1 ? lead : 0xFFFD;
  // The allowed range of the second byte depends on the lead (Table 3-7).
  unsigned char lo = 0x80, hi = 0xBF;
  char32_t c;
  if (lead >= 0xC2 && lead <= 0xDF && len == 2) {
    c = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF && len == 3) {
    c = lead & 0x0F;
    if (lead == 0xE0) lo = 0xA0;
    if (lead == 0xED) hi = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4 && len == 4) {
    c = lead & 0x07;
    if (lead == 0xF0) lo = 0x90;
    if (lead == 0xF4) hi = 0x8F;
  } else {
    return 0xFFFD;
  }
  if (byte(start + 1) < lo || byte(start + 1) > hi) return 0xFFFD;
  for (size_t i = start + 1; i < end; ++i) c = (c << 6) | (byte(i) & 0x3F);
  return c;
}

}  // namespace epubtok
