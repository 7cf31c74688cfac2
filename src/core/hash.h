// A fast non-cryptographic hash of short byte strings, for in-memory hash
// tables keyed by text (the tokenizers' piece cache and vocabulary maps).
// Not stable across versions: never store its values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace epubtok {

// Reads whole words, overlapping at the tail, so short strings (the common
// case) cost a couple of multiplies and no byte loop.
inline uint64_t hash_bytes(std::string_view s) {
  const uint64_t kMul = 0x9E3779B97F4A7C15ULL;
  const char* p = s.data();
  size_t n = s.size();
  auto load64 = [](const char* q) {
    uint64_t w;
    __builtin_memcpy(&w, q, 8);
    return w;
  };
  auto load32 = [](const char* q) {
    uint32_t w;
    __builtin_memcpy(&w, q, 4);
    return uint64_t(w);
  };
  uint64_t h = (n + 1) * kMul;
  if (n >= 8) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      h = (h ^ load64(p + i)) * kMul;
      h ^= h >> 29;
    }
    if (i < n) h = (h ^ load64(p + n - 8)) * kMul;
  } else if (n >= 4) {
    h = (h ^ (load32(p) | (load32(p + n - 4) << 32))) * kMul;
  } else if (n > 0) {
    uint64_t w = uint64_t(static_cast<unsigned char>(p[0])) | (uint64_t(static_cast<unsigned char>(p[n / 2])) << 8) |
                 (uint64_t(static_cast<unsigned char>(p[n - 1])) << 16);
    h = (h ^ w) * kMul;
  }
  h ^= h >> 32;
  h *= kMul;
  h ^= h >> 29;
  return h;
}

// Rebuilds an open-addressing table with linear probing at `cap` slots (a
// power of two), placing each slot of the old table by the hash it stores
// (0 marks an empty slot). Returns the new index mask. For tables whose
// slots carry their key's hash, so that growing never rereads keys.
template <typename Slot>
size_t rehash_slots(std::vector<Slot>& slots, size_t cap) {
  std::vector<Slot> old;
  old.swap(slots);
  slots.assign(cap, Slot{});
  const size_t mask = cap - 1;
  for (const Slot& s : old) {
    if (s.hash == 0) continue;
    size_t i = s.hash & mask;
    while (slots[i].hash != 0) i = (i + 1) & mask;
    slots[i] = s;
  }
  return mask;
}

}  // namespace epubtok
