// Scans across ASCII, the bytes most book text is made of: runs of letters
// (the word counter's and the pre-tokenizer scanners' hot loops sit inside
// words) and the first non-ASCII byte (validators and normalization checks
// cross ASCII to reach the bytes that need work).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace epubtok {

// Whether b is an ASCII letter, A-Z or a-z.
constexpr bool is_ascii_letter(unsigned char b) { return static_cast<unsigned char>((b | 0x20) - 'a') < 26; }

// Whether b is ASCII white space: \t \n \v \f \r or the space.
constexpr bool is_ascii_space(unsigned char b) { return b == ' ' || (b >= '\t' && b <= '\r'); }

#if defined(__SSE2__)
// Bit i set when byte i of v is in [lo, lo + 25] (unsigned b - lo <= 25,
// tested as min(b - lo, 25) == b - lo).
inline unsigned ascii_range_mask16(__m128i v, char lo) {
  const __m128i t = _mm_sub_epi8(v, _mm_set1_epi8(lo));
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(25)), t)));
}
#endif

// The end of the run of ASCII letters in s[j, n) that starts at j: the
// first index >= j whose byte is not one, or n. Reads only s[j, n).
// Why SSE2: a word of English ends after a few letters at an unpredictable
// place; 16 bytes tested at once end the run with one predictable branch
// instead of a mispredicted loop exit per word (every x86-64 has SSE2;
// other targets take the byte loop).
inline size_t ascii_letter_run_end(const unsigned char* s, size_t n, size_t j) {
#if defined(__SSE2__)
  while (n - j >= 16) {
    const __m128i v = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s + j)), _mm_set1_epi8(0x20));
    const unsigned stop = ~ascii_range_mask16(v, 'a') & 0xFFFFu;
    if (stop) return j + static_cast<size_t>(__builtin_ctz(stop));
    j += 16;
  }
#endif
  while (j < n && is_ascii_letter(s[j])) ++j;
  return j;
}

// The end of the run of ASCII white space in s[j, n) that starts at j: the
// first index >= j whose byte is not one, or n. Reads only s[j, n).
// Sixteen bytes at a time: indented markup holds runs of dozens of spaces.
inline size_t ascii_space_run_end(const unsigned char* s, size_t n, size_t j) {
#if defined(__SSE2__)
  while (n - j >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + j));
    const __m128i t = _mm_sub_epi8(v, _mm_set1_epi8('\t'));  // \t..\r become 0..4
    const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(4)), t);
    const __m128i space = _mm_cmpeq_epi8(v, _mm_set1_epi8(' '));
    const unsigned stop = ~static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(control, space))) & 0xFFFFu;
    if (stop) return j + static_cast<size_t>(__builtin_ctz(stop));
    j += 16;
  }
#endif
  while (j < n && is_ascii_space(s[j])) ++j;
  return j;
}

// The index just after the last line break (\r or \n) in s[begin, end), or
// begin when there is none: where \s*[\r\n]+ ends over a run of white space
// (\s* takes the run and gives characters back to the last line break).
// (One table load per byte: runs of indentation are scanned back over
// dozens of spaces, and two compares per byte cost more.)
inline size_t after_last_line_break(const unsigned char* s, size_t begin, size_t end) {
  static constexpr struct LineBreaks {
    bool is[256] = {};
    constexpr LineBreaks() { is['\n'] = is['\r'] = true; }
  } kLineBreaks;
  while (end > begin && !kLineBreaks.is[s[end - 1]]) --end;
  return end;
}

// The end of [A-Z]*[a-z]* in s[j, n) from j (an upper-case run, then a
// lower-case one; o200k's cased-letter pieces). Reads only s[j, n). Sixteen
// bytes at once when they hold the whole match, else byte by byte.
inline size_t ascii_upper_lower_end(const unsigned char* s, size_t n, size_t j) {
#if defined(__SSE2__)
  if (n - j >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + j));
    const unsigned not_upper = ~ascii_range_mask16(v, 'A') & 0xFFFFu;
    const unsigned not_lower = ~ascii_range_mask16(v, 'a') & 0xFFFFu;
    if (not_upper) {
      const unsigned u = static_cast<unsigned>(__builtin_ctz(not_upper));
      const unsigned stop = not_lower & (0xFFFFu << u);
      if (stop) return j + static_cast<size_t>(__builtin_ctz(stop));
    }
  }
#endif
  while (j < n && s[j] >= 'A' && s[j] <= 'Z') ++j;
  while (j < n && s[j] >= 'a' && s[j] <= 'z') ++j;
  return j;
}

// Whether any of the eight bytes of w (a little-endian load) is non-ASCII or
// an ASCII digit: lets a search for digits or non-ASCII characters skip
// eight ASCII bytes at once. For ASCII bytes x, x + (0x80 - k) sets the
// byte's high bit exactly when x >= k, without carrying into the next byte.
constexpr bool any_digit_or_non_ascii(uint64_t w) {
  constexpr uint64_t kHigh = 0x8080808080808080ULL, kOnes = 0x0101010101010101ULL;
  if (w & kHigh) return true;
  return ((w + kOnes * (0x80 - '0')) & ~(w + kOnes * (0x80 - '9' - 1)) & kHigh) != 0;
}

// The offset of the first byte >= 0x80 in s[i, s.size()), or s.size()
// when there is none. Sixteen bytes at a time (SSE2; eight elsewhere),
// landing on the byte itself.
inline size_t first_non_ascii(std::string_view s, size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
#if defined(__SSE2__)
  while (i + 16 <= n) {
    const unsigned mask =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i))));
    if (mask) return i + static_cast<size_t>(__builtin_ctz(mask));
    i += 16;
  }
#endif
  while (i + 8 <= n) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (const uint64_t high = w & 0x8080808080808080ULL) return i + (static_cast<size_t>(__builtin_ctzll(high)) >> 3);
    i += 8;
  }
  while (i < n && p[i] < 0x80) ++i;
  return i;
}

}  // namespace epubtok
