// A flat string → id hash map for vocabularies (hundreds of thousands of
// entries, looked up millions of times while loading merges and on the
// ignore_merges path). Keys live in one arena and slots carry their hash, so
// a lookup touches one or two cache lines instead of chasing list nodes as
// std::unordered_map does (measured: loading llama-3 went from 31% of the
// time in unordered_map::find to a few percent).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizers/hf/json_util.h"

namespace epubtok::tokenizers::hf {

// Rebuilds an open-addressing table with linear probing at `cap` slots (a
// power of two), placing each slot of the old table by the hash it stores
// (0 marks an empty slot). Returns the new index mask. Shared by
// StringIdMap and the tokenizer's piece cache, whose slots both carry
// their key's hash so that growing never rereads keys.
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

class StringIdMap {
 public:
  static constexpr uint32_t kMissing = 0xFFFFFFFFu;

  void reserve(size_t n) {
    size_t cap = 16;
    while (cap < n * 2) cap <<= 1;
    if (cap > slots_.size()) rehash(cap);
  }

  // Inserts key → id, replacing the id of an existing key.
  void set(std::string_view key, uint32_t id) {
    if ((count_ + 1) * 2 > slots_.size()) rehash(slots_.empty() ? 16 : slots_.size() * 2);
    uint64_t h = hash_bytes(key) | 1;
    size_t i = h & mask_;
    while (slots_[i].hash != 0) {
      if (matches(slots_[i], h, key)) {
        slots_[i].id = id;
        return;
      }
      i = (i + 1) & mask_;
    }
    slots_[i] = Slot{h, uint32_t(arena_.size()), uint32_t(key.size()), id};
    arena_.append(key);
    ++count_;
  }

  // The id of `key`, or kMissing.
  uint32_t find(std::string_view key) const {
    if (slots_.empty()) return kMissing;
    uint64_t h = hash_bytes(key) | 1;
    size_t i = h & mask_;
    while (slots_[i].hash != 0) {
      if (matches(slots_[i], h, key)) return slots_[i].id;
      i = (i + 1) & mask_;
    }
    return kMissing;
  }

  size_t size() const { return count_; }

  // Calls f(key, id) for every entry, in no particular order.
  template <typename F>
  void for_each(F&& f) const {
    for (const Slot& s : slots_)
      if (s.hash != 0) f(std::string_view(arena_.data() + s.off, s.len), s.id);
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t off = 0, len = 0, id = 0;
  };
  bool matches(const Slot& s, uint64_t h, std::string_view key) const {
    return s.hash == h && s.len == key.size() && std::memcmp(arena_.data() + s.off, key.data(), key.size()) == 0;
  }
  void rehash(size_t cap) { mask_ = rehash_slots(slots_, cap); }
  std::vector<Slot> slots_;
  std::string arena_;
  size_t mask_ = 0;
  size_t count_ = 0;
};

}  // namespace epubtok::tokenizers::hf
