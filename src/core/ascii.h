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
