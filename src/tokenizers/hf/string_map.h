// A flat string → id hash map for vocabularies (hundreds of thousands of
// entries, looked up millions of times while loading merges and on the
// ignore_merges path). Keys live in one arena and slots carry their hash, so
// a lookup touches one or two cache lines instead of chasing list nodes as
// std::unordered_map does.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/hash.h"
#include "tokenizers/hf/json_util.h"

namespace epubtok::tokenizers::hf {

using epubtok::rehash_slots;

class StringIdMap {
 public:
  static constexpr uint32_t kMissing = 0xFFFFFFFFu;

  // A record of the compiled file's slot section, hence a fixed layout.
  struct Slot {
    uint64_t hash = 0;  // hash_bytes(key) | 1; 0 marks an empty slot
    uint32_t off = 0, len = 0, id = 0;
  };

  StringIdMap() = default;
  // The pointers would dangle in a copy.
  StringIdMap(const StringIdMap&) = delete;
  StringIdMap& operator=(const StringIdMap&) = delete;

  void reserve(size_t n) {
    size_t cap = 16;
    while (cap < n * 2) cap <<= 1;
    if (cap > slots_.size()) rehash(cap);
  }

  // Inserts key → id, replacing the id of an existing key. Not on a view.
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
    arena_p_ = arena_.data();
    ++count_;
  }

  // Uses `slots` (a power of two of them, at least one empty) and `arena`
  // in place, as written from slots() and arena(); `keep` owns their
  // storage. Replaces any content. False, changing nothing, when the
  // sizes do not fit.
  bool view(std::span<const Slot> slots, std::string_view arena, size_t count, std::shared_ptr<const void> keep) {
    if (slots.empty() || (slots.size() & (slots.size() - 1)) != 0 || count >= slots.size()) return false;
    slots_.clear();
    arena_.clear();
    slots_p_ = slots.data();
    arena_p_ = arena.data();
    mask_ = slots.size() - 1;
    count_ = count;
    keep_ = std::move(keep);
    return true;
  }
  // The table as view() takes it (empty for an empty map).
  std::span<const Slot> slots() const { return {slots_p_, slots_p_ == nullptr ? 0 : mask_ + 1}; }
  std::string_view arena() const {
    size_t end = 0;
    for (const Slot& s : slots()) end = std::max<size_t>(end, size_t{s.off} + s.len);
    return {arena_p_, end};
  }

  // The id of `key`, or kMissing.
  uint32_t find(std::string_view key) const {
    if (slots_p_ == nullptr) return kMissing;
    uint64_t h = hash_bytes(key) | 1;
    size_t i = h & mask_;
    while (slots_p_[i].hash != 0) {
      if (matches(slots_p_[i], h, key)) return slots_p_[i].id;
      i = (i + 1) & mask_;
    }
    return kMissing;
  }

  size_t size() const { return count_; }

  // Calls f(key, id) for every entry, in no particular order.
  template <typename F>
  void for_each(F&& f) const {
    for (const Slot& s : slots())
      if (s.hash != 0) f(std::string_view(arena_p_ + s.off, s.len), s.id);
  }

 private:
  bool matches(const Slot& s, uint64_t h, std::string_view key) const {
    return s.hash == h && s.len == key.size() && std::memcmp(arena_p_ + s.off, key.data(), key.size()) == 0;
  }
  void rehash(size_t cap) {
    mask_ = rehash_slots(slots_, cap);
    slots_p_ = slots_.data();
  }
  // Owned storage (set()); empty for a view.
  std::vector<Slot> slots_;
  std::string arena_;
  const Slot* slots_p_ = nullptr;
  const char* arena_p_ = nullptr;
  size_t mask_ = 0;
  size_t count_ = 0;
  std::shared_ptr<const void> keep_;  // a view's storage
};

}  // namespace epubtok::tokenizers::hf
