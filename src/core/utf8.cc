#include "core/utf8.h"

#include "core/ascii.h"

namespace epubtok {

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
  // and only the rest goes through valid_sequence_length.
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t i = 0, n = s.size();
  auto cont = [&](size_t k) { return (p[k] & 0xC0) == 0x80; };
  while (true) {
    // ASCII sixteen bytes at a time, landing on the first non-ASCII byte
    // (book text with typographic quotes has one every few dozen bytes).
    // Not when the next byte is already non-ASCII, as it mostly is inside
    // a Cyrillic, Arabic or CJK word.
    if (i >= n) break;
    if (p[i] < 0x80) {
      i = first_non_ascii(s, i + 1);
      if (i >= n) break;
    }
    unsigned char c = p[i];
    if (c >= 0xC2 && c <= 0xDF && i + 1 < n && cont(i + 1)) {
      i += 2;
    } else if (i + 2 < n && cont(i + 2) &&
               ((c >= 0xE1 && c <= 0xEC && cont(i + 1)) || (c == 0xE0 && p[i + 1] >= 0xA0 && p[i + 1] <= 0xBF))) {
      // No overlong or surrogate forms start with E1..EC; E0 A0..BF is not
      // overlong (Devanagari, Thai and the other Indic scripts).
      i += 3;
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

}  // namespace epubtok
