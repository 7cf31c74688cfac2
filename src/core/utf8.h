// UTF-8 encoding shared by every module that builds text from code points.
#pragma once

#include <string>
#include <string_view>

namespace epubtok {

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
