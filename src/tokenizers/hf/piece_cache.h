// The Hugging Face engine's per-thread piece cache: piece bytes -> ids.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokenizers/hf/string_map.h"

namespace epubtok::tokenizers::hf {

// Per-thread piece → ids memo. Book text repeats the same words endlessly,
// so most pieces are answered here without running the model.
//
// Two levels. The front is a small direct-mapped table of pieces of at most
// 16 bytes, keyed by their bytes packed into two words, holding the token
// count (and the id when there is one): it stays in L2 and needs no key
// comparison through a pointer. The back is an open-addressing map of every
// piece up to kMaxKey bytes seen so far with all its ids. Measured on
// llama-3 (4 MB of book text, ~10k distinct pieces): the back map alone
// spent a third of its time waiting for the slot's cache line.
class PieceCache {
 public:
  static constexpr size_t kMaxKey = 128;
  static constexpr size_t kMaxFrontKey = 16;

  // A piece of at most kMaxFrontKey bytes as the front compares it: its
  // bytes zero-padded to two words, plus the length (a piece may hold NUL
  // bytes).
  struct FrontKey {
    uint64_t w0, w1;
    uint32_t len;
  };
  // The key of [p, p + n), n <= kMaxFrontKey, when at least 16 bytes may be
  // read from p: two loads masked to n bytes. Branch-free: piece lengths
  // alternate unpredictably, and the earlier length-dependent packing
  // mispredicted on about every other piece.
  static FrontKey front_key16(const char* p, size_t n) {
    // kLengthMask + 16 - n: n bytes of 0xFF, then zeros.
    alignas(32) static constexpr unsigned char kLengthMask[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                                                  0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    uint64_t a, b, ma, mb;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + 8, 8);
    std::memcpy(&ma, kLengthMask + 16 - n, 8);
    std::memcpy(&mb, kLengthMask + 24 - n, 8);
    return FrontKey{a & ma, b & mb, uint32_t(n)};
  }
  // The same key when no byte past the piece may be read (n <= 16).
  // Overlapping loads, shifted so that no byte appears twice.
  static FrontKey front_key(std::string_view piece) {
    const char* d = piece.data();
    const size_t n = piece.size();
    FrontKey k{0, 0, uint32_t(n)};
    if (n >= 8) {
      std::memcpy(&k.w0, d, 8);
      if (n > 8) {
        std::memcpy(&k.w1, d + n - 8, 8);
        k.w1 >>= 8 * (16 - n);
      }
    } else if (n >= 4) {
      uint32_t lo, hi;
      std::memcpy(&lo, d, 4);
      std::memcpy(&hi, d + n - 4, 4);
      k.w0 = lo | ((uint64_t(hi) >> (8 * (8 - n))) << 32);
    } else if (n > 0) {
      const uint64_t w = uint64_t(static_cast<unsigned char>(d[0])) |
                         (uint64_t(static_cast<unsigned char>(d[n / 2])) << 8) |
                         (uint64_t(static_cast<unsigned char>(d[n - 1])) << 16);
      k.w0 = w & ((uint64_t(1) << (8 * n)) - 1);
    }
    return k;
  }

  // The front entry for `k`: hit when its key equals k.
  struct FrontEntry {
    uint64_t w0 = 0, w1 = 0;
    uint32_t len = 0;  // 0: empty (empty pieces never reach the cache)
    uint32_t n = 0;    // token count
    uint32_t id = 0;   // the id when n == 1
    uint32_t pad = 0;
  };
  FrontEntry& front_slot(const FrontKey& k) {
    // One multiply; its top bits pick the slot (a collision only costs a
    // miss: the whole key is compared).
    const uint64_t h = (k.w0 ^ ((k.w1 << 29) | (k.w1 >> 35)) ^ k.len) * 0x9E3779B97F4A7C15ULL;
    return front_[h >> (64 - kFrontBits)];
  }
  static bool front_hit(const FrontEntry& e, const FrontKey& k) {
    return ((e.w0 ^ k.w0) | (e.w1 ^ k.w1) | (e.len ^ k.len)) == 0;
  }
  static void front_fill(FrontEntry& e, const FrontKey& k, const uint32_t* ids, uint32_t n) {
    e.w0 = k.w0;
    e.w1 = k.w1;
    e.len = k.len;
    e.n = n;
    e.id = n == 1 ? ids[0] : 0;
  }

  // Inline compare: most pieces are a few bytes, where a libc call costs
  // more than the comparison (measured: memcmp was 5% of counting time).
  static bool same_bytes(const char* a, const char* b, size_t n) {
    while (n >= 8) {
      uint64_t x, y;
      std::memcpy(&x, a, 8);
      std::memcpy(&y, b, 8);
      if (x != y) return false;
      a += 8;
      b += 8;
      n -= 8;
    }
    while (n--) {
      if (*a++ != *b++) return false;
    }
    return true;
  }

  // The ids of a piece the front has not answered: the back map's (then
  // copied to the front), else tokenize(part, out)'s, stored in both
  // (pieces of at most kMaxKey bytes). `out` is the caller's scratch,
  // which *ids may point into. False, storing nothing, when tokenize is.
  template <typename Tokenize>
  bool ids_of(std::string_view part, std::vector<uint32_t>& out, Tokenize&& tokenize, const uint32_t** ids,
              uint32_t* n) {
    FrontEntry* front = nullptr;
    FrontKey key{0, 0, 0};
    if (part.size() <= kMaxFrontKey) {
      key = front_key(part);
      front = &front_slot(key);
    }
    const bool memo = part.size() <= kMaxKey;
    const uint64_t h = memo ? hash_bytes(part) | 1 : 0;
    if (memo && find(part, h, ids, n)) {
      if (front) front_fill(*front, key, *ids, *n);
      return true;
    }
    out.clear();
    if (!tokenize(part, out)) return false;
    if (memo) insert(part, h, out.data(), out.size());
    if (front) front_fill(*front, key, out.data(), uint32_t(out.size()));
    *ids = out.data();
    *n = uint32_t(out.size());
    return true;
  }

  bool find(std::string_view key, uint64_t h, const uint32_t** ids, uint32_t* n) const {
    if (slots_.empty()) return false;
    size_t i = h & mask_;
    while (true) {
      const Slot& s = slots_[i];
      if (s.hash == 0) return false;
      if (s.hash == h && s.key_len == key.size() && same_bytes(keys_.data() + s.key_off, key.data(), key.size())) {
        *ids = ids_.data() + s.ids_off;
        *n = s.ids_len;
        return true;
      }
      i = (i + 1) & mask_;
    }
  }

  void insert(std::string_view key, uint64_t h, const uint32_t* ids, size_t n) {
    if (count_ + 1 > slots_.size() / 2) {
      if (slots_.size() >= (size_t(1) << 20)) {
        clear();  // bounded memory: start over rather than grow without end
      }
      grow();
    }
    size_t i = h & mask_;
    while (slots_[i].hash != 0) i = (i + 1) & mask_;
    slots_[i] = Slot{h, uint32_t(keys_.size()), uint32_t(key.size()), uint32_t(ids_.size()), uint32_t(n)};
    keys_.append(key);
    ids_.insert(ids_.end(), ids, ids + n);
    ++count_;
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t key_off = 0, key_len = 0, ids_off = 0, ids_len = 0;
  };
  void clear() {
    slots_.clear();
    keys_.clear();
    ids_.clear();
    count_ = 0;
  }
  void grow() { mask_ = rehash_slots(slots_, slots_.empty() ? (size_t(1) << 14) : slots_.size() * 2); }
  static constexpr unsigned kFrontBits = 14;
  static constexpr size_t kFrontSize = size_t(1) << kFrontBits;  // 512 KB
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t count_ = 0;
  std::string keys_;
  std::vector<uint32_t> ids_;
  std::vector<FrontEntry> front_ = std::vector<FrontEntry>(kFrontSize);
};

// The calling thread's cache for the tokenizer whose serial is `serial`
// (new_cache_serial()); created on first use, kept for the thread's life.
inline PieceCache& cache_for(uint64_t serial) {
  thread_local std::unordered_map<uint64_t, std::unique_ptr<PieceCache>> caches;
  thread_local uint64_t last_serial = 0;
  thread_local PieceCache* last = nullptr;
  if (last && last_serial == serial) return *last;
  auto& slot = caches[serial];
  if (!slot) slot = std::make_unique<PieceCache>();
  last_serial = serial;
  last = slot.get();
  return *slot;
}

// A serial no other tokenizer of this process has: each HfTokenizer takes
// one, so two tokenizers never share cached pieces.
uint64_t new_cache_serial();

}  // namespace epubtok::tokenizers::hf
