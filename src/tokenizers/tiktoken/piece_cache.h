// A small per-thread cache from piece bytes to token count, for pieces that
// are not a single token (those are answered by one rank-table lookup).
//
// Direct-mapped with keys stored inline, so a hit costs one hash and one
// 32-byte compare, against ~50-300 ns for a short BPE merge. Entries carry
// the owning encoding's id, so one cache serves every encoding on a thread
// without clearing. Prose repeats its multi-token words constantly, which
// is what makes this pay.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "tokenizers/bpe/rank_table.h"

namespace epubtok::tokenizers::tiktoken {

class PieceCache {
 public:
  static constexpr size_t kMaxKey = 22;

  // The cache of the calling thread.
  static PieceCache& local() {
    thread_local PieceCache cache;
    return cache;
  }

  // The cached count of `piece` for encoding `owner`, or -1. Pieces longer
  // than kMaxKey are never cached.
  int64_t find(uint64_t owner, std::string_view piece, uint64_t& slot_out) const {
    const uint64_t h = hash(owner, piece);
    slot_out = h & (kSlots - 1);
    const Entry& e = entries_[slot_out];
    if (e.owner == owner && e.len == piece.size() && std::memcmp(e.key, piece.data(), piece.size()) == 0) {
      return e.count;
    }
    return -1;
  }

  // The hot front cache for pieces of at most 8 bytes, given as one
  // zero-padded word: 65536 x 16 bytes = 1 MB. (4096 entries measured ~8%
  // slower on the small-vocabulary generated English; 16384 entries thrash
  // on a realistic vocabulary: Zipf prose with 20k words has far more than
  // 16k distinct short pieces, and 65536 cut callgrind's instruction count
  // on it by ~6% through fewer BPE merges; real-text timing was within the
  // noise of the shared machine.) Prose's
  // most frequent pieces (" the", ",", " and") are all short, and a
  // Zipf-distributed vocabulary makes a few thousand of them the large
  // majority of all pieces. Returns the count or -1.
  int64_t find_short(uint64_t owner, uint64_t word, size_t len, size_t& slot_out) const {
    const uint64_t tag = (owner << 8) | len;
    slot_out = static_cast<size_t>(((word ^ (tag * 0xD6E8FEB86659FD93ull)) * 0x9E3779B97F4A7C15ull) >> (64 - kShortBits));
    const ShortEntry& e = short_[slot_out];
    return e.word == word && e.tag == tag ? static_cast<int64_t>(e.count) : -1;
  }
  void store_short(size_t slot, uint64_t owner, uint64_t word, size_t len, uint32_t count) {
    short_[slot] = ShortEntry{word, static_cast<uint32_t>((owner << 8) | len), count};
  }

  void store(uint64_t slot, uint64_t owner, std::string_view piece, uint32_t count) {
    Entry& e = entries_[slot];
    e.owner = owner;
    e.count = count;
    e.len = static_cast<uint8_t>(piece.size());
    std::memcpy(e.key, piece.data(), piece.size());
  }

 private:
  static constexpr size_t kSlots = 1 << 14;
  static constexpr unsigned kShortBits = 16;
  struct ShortEntry {
    uint64_t word = 0;
    uint32_t tag = 0;  // (owner << 8) | length; 0 = empty (lengths are >= 1)
    uint32_t count = 0;
  };
  struct Entry {
    uint64_t owner = 0;  // 0 = empty; encoding ids start at 1
    uint32_t count = 0;
    uint8_t len = 0;
    char key[kMaxKey + 1] = {};
  };

  static uint64_t hash(uint64_t owner, std::string_view s) {
    uint64_t h = owner * 0x9E3779B97F4A7C15ull ^ s.size();
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
    }
    if (i < s.size()) {
      const uint64_t w = bpe::RankTable::load_le(reinterpret_cast<const unsigned char*>(s.data()) + i, s.size() - i);
      h = (h ^ w) * 0x94D049BB133111EBull;
    }
    return h ^ (h >> 29);
  }

  std::vector<Entry> entries_ = std::vector<Entry>(kSlots);
  std::vector<ShortEntry> short_ = std::vector<ShortEntry>(size_t{1} << kShortBits);
};

}  // namespace epubtok::tokenizers::tiktoken
