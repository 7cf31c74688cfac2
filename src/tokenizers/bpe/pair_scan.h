// The two array steps of merge_flat() (merge.h), the short BPE merge of
// both engines: find the leftmost lowest-ranked pair, and remove one
// element.
//
// Pair ranks are kept biased (rank ^ 0x80000000) as int32_t "keys": SSE2
// has only a signed 32-bit compare, and the bias makes it order ranks as
// unsigned numbers, with "no merge" (0xFFFFFFFF) as kNoKey = INT32_MAX.
// Arrays are padded by kPairScanPadding elements so both steps work in
// whole groups of four without a scalar tail.
#pragma once

#include <emmintrin.h>

#include <cstddef>
#include <cstdint>

namespace epubtok::tokenizers::bpe {

inline constexpr int32_t kNoKey = INT32_MAX;
inline constexpr size_t kPairScanPadding = 8;

inline int32_t rank_key(uint32_t rank) { return static_cast<int32_t>(rank ^ 0x80000000u); }

namespace detail {
// Lane-wise signed minimum (SSE2 has no _mm_min_epi32).
inline __m128i smaller(__m128i a, __m128i b) {
  const __m128i lt = _mm_cmplt_epi32(a, b);
  return _mm_or_si128(_mm_and_si128(lt, a), _mm_andnot_si128(lt, b));
}
}  // namespace detail

// The index of the first (leftmost) smallest key in key[0, count), count >=
// 1, and that key in *min. Reads key[0, count rounded up to 4), which must
// hold kNoKey beyond count. Branch-free over the keys: which pair wins
// varies from round to round, so a compare-and-branch loop mispredicts.
inline size_t first_min(const int32_t* key, size_t count, int32_t* min) {
  __m128i best = _mm_set1_epi32(kNoKey);
  for (size_t i = 0; i < count; i += 4) {
    best = detail::smaller(_mm_loadu_si128(reinterpret_cast<const __m128i*>(key + i)), best);
  }
  best = detail::smaller(_mm_shuffle_epi32(best, _MM_SHUFFLE(1, 0, 3, 2)), best);  // each lane: min with the other half
  best = detail::smaller(_mm_shuffle_epi32(best, _MM_SHUFFLE(2, 3, 0, 1)), best);  // then with its neighbour
  *min = _mm_cvtsi128_si32(best);
  for (size_t i = 0;; i += 4) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(key + i));
    const int mask = _mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(v, best)));
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
}

// Removes a[at] from an array whose last element is a[last] (nothing when
// at > last), moving a[at + 1, last] down by one, four at a time (each group is loaded
// before the store that overwrites part of it). Reads up to a[last + 4].
template <typename T>
inline void remove_at(T* a, size_t at, size_t last) {
  static_assert(sizeof(T) == 4);
  for (size_t i = at; i <= last; i += 4) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(a + i), _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i + 1)));
  }
}

}  // namespace epubtok::tokenizers::bpe
