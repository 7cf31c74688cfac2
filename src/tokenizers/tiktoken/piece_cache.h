// A small per-thread cache from piece bytes to token count.
//
// Set-associative with keys stored inline, so a hit costs one hash and a
// few compares within one cache line, against ~0.3-3 us for a BPE merge
// whose rank lookups miss the multi-megabyte rank table. Single-token
// pieces are cached too: their rank lookup is itself such a miss. Entries
// carry the owning encoding's id, so one cache serves every encoding on a
// thread without clearing. Prose repeats its words constantly, which is
// what makes this pay.
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
  static_assert(kMaxKey <= 24, "long keys are three words");

  // The cache of the calling thread.
  static PieceCache& local() {
    thread_local PieceCache cache;
    return cache;
  }

  // A piece of 9..kMaxKey bytes as the long cache compares it: zero-padded
  // to three words, so a lookup is three word compares instead of a
  // memcmp call, and the hash needs no loop (the memcmp and the hash loop
  // were most of the ~11% that long-piece hits cost on Moby-Dick).
  struct LongKey {
    uint64_t w[3];
    uint32_t tag;
    size_t set;
  };
  // The key of [p, p + n) for encoding `owner`; `readable` >= n bytes may
  // be read from p (reading 24 of them, when there are, avoids
  // variable-length copies).
  static LongKey long_key(uint64_t owner, const unsigned char* p, size_t n, size_t readable) {
    LongKey k;
    if (readable >= 24) {
      std::memcpy(k.w, p, 24);
      for (size_t i = 0; i < 3; ++i) {
        const size_t have = n > 8 * i ? n - 8 * i : 0;
        if (have < 8) k.w[i] &= have == 0 ? 0 : (uint64_t{1} << (8 * have)) - 1;
      }
    } else {
      for (size_t i = 0; i < 3; ++i) {
        const size_t have = n > 8 * i ? n - 8 * i : 0;
        k.w[i] = have == 0 ? 0 : bpe::RankTable::load_le(p + 8 * i, have < 8 ? have : 8);
      }
    }
    k.tag = long_tag(owner, n);
    uint64_t h = k.w[0] * 0x9E3779B97F4A7C15ull + k.w[1] * 0xBF58476D1CE4E5B9ull + k.w[2] * 0x94D049BB133111EBull +
                 k.tag * 0xD6E8FEB86659FD93ull;
    h = (h ^ (h >> 32)) * 0x9E3779B97F4A7C15ull;
    k.set = static_cast<size_t>(h >> (64 - kLongSetBits));
    return k;
  }

  // The cached count of the piece `k` was made from (9 <= size <=
  // kMaxKey), or -1.
  int64_t find(const LongKey& k) const {
    for (const Entry& e : long_[k.set].way) {
      if (e.tag == k.tag && e.key[0] == k.w[0] && e.key[1] == k.w[1] && e.key[2] == k.w[2]) return e.count;
    }
    return -1;
  }
  // Inserts as the set's newest entry; the oldest one leaves.
  void store(const LongKey& k, uint32_t count) {
    LongSet& set = long_[k.set];
    set.way[3] = set.way[2];
    set.way[2] = set.way[1];
    set.way[1] = set.way[0];
    set.way[0] = Entry{k.tag, count, {k.w[0], k.w[1], k.w[2]}};
  }

  // Pieces of kMaxKey+1..kMaxBigKey bytes: the chunks of CJK clauses that
  // no exact split point cuts (o200k has many multi-character Han and kana
  // tokens, so its chunks run long). Uncached, each one was a BPE merge on
  // every occurrence (merge_short ~11% of counting a Japanese book with
  // o200k). Two-way sets of 64-byte entries, 8192 entries (512 KB).
  static constexpr size_t kMaxBigKey = 56;
  // The cached count of `piece` (kMaxKey < size <= kMaxBigKey) for
  // `owner`, or -1; `set_out` receives what store_big() needs on a miss.
  int64_t find_big(uint64_t owner, std::string_view piece, size_t& set_out) const {
    const uint32_t tag = long_tag(owner, piece.size());
    set_out = static_cast<size_t>(big_hash(tag, piece) >> (64 - kBigSetBits));
    for (const BigEntry& e : big_[set_out].way) {
      if (e.tag == tag && std::memcmp(e.key, piece.data(), piece.size()) == 0) return e.count;
    }
    return -1;
  }
  void store_big(size_t set_index, uint64_t owner, std::string_view piece, uint32_t count) {
    BigSet& set = big_[set_index];
    set.way[1] = set.way[0];
    BigEntry& e = set.way[0];
    e.tag = long_tag(owner, piece.size());
    e.count = count;
    std::memcpy(e.key, piece.data(), piece.size());
  }

  // The hot front cache for pieces of at most 8 bytes, given as one
  // zero-padded word: 16384 sets of 4 entries of 16 bytes (1 MB), a set
  // being one cache line. Prose's most frequent pieces (" the", ",",
  // " and") are all short, and a Zipf-distributed vocabulary makes a few
  // thousand of them the large majority of all pieces; real books have
  // 10-20k distinct short pieces. (Direct-mapped with the same 64k entries,
  // a third of those shared their slot with another and evicted each other
  // for the whole book; 4096 entries measured ~8% slower on the
  // small-vocabulary generated English.) Returns the count or -1;
  // `set_out` receives what store_short() needs on a miss.
  int64_t find_short(uint64_t owner, uint64_t word, size_t len, size_t& set_out) const {
    const uint32_t tag = short_tag(owner, len);
    set_out = static_cast<size_t>(((word ^ (tag * 0xD6E8FEB86659FD93ull)) * 0x9E3779B97F4A7C15ull) >> (64 - kShortSetBits));
    const ShortSet& set = short_[set_out];
    for (const ShortEntry& e : set.way) {
      if (e.word == word && e.tag == tag) return static_cast<int64_t>(e.count);
    }
    return -1;
  }
  // Inserts as the set's newest entry; the oldest one leaves (FIFO: a hit
  // does not reorder, which keeps the hit path free of stores).
  void store_short(size_t set_index, uint64_t owner, uint64_t word, size_t len, uint32_t count) {
    ShortSet& set = short_[set_index];
    set.way[3] = set.way[2];
    set.way[2] = set.way[1];
    set.way[1] = set.way[0];
    set.way[0] = ShortEntry{word, short_tag(owner, len), count};
  }

 private:
  // Owner ids are handed out from 1 upwards, one per loaded encoding; tags
  // keep their low 24 bits (plus the length), which tells apart any 16
  // million encodings loaded in one process.
  static uint32_t short_tag(uint64_t owner, size_t len) { return static_cast<uint32_t>((owner << 8) | len); }
  static uint32_t long_tag(uint64_t owner, size_t len) { return static_cast<uint32_t>((owner << 8) | len); }

  static constexpr unsigned kShortSetBits = 14;
  // Four-way sets of 32-byte entries, 32768 entries (1 MB): the long
  // pieces of a book (9-22 bytes: " something", " whale-ship") are fewer
  // and rarer than short ones, but a miss costs a BPE merge (~1-3 us of
  // rank-table cache misses). Moby-Dick has ~8,600 distinct ones: a
  // direct-mapped 16k-entry cache missed ~1,000 of them on every pass,
  // two-way sets still a few hundred (the sets that drew three keys).
  static constexpr unsigned kLongSetBits = 13;
  struct ShortEntry {
    uint64_t word = 0;
    uint32_t tag = 0;  // short_tag(); 0 = empty (lengths are >= 1)
    uint32_t count = 0;
  };
  struct alignas(64) ShortSet {
    ShortEntry way[4];
  };
  struct Entry {
    uint32_t tag = 0;  // long_tag(); 0 = empty
    uint32_t count = 0;
    uint64_t key[3] = {};  // the piece, zero-padded
  };
  static_assert(sizeof(Entry) == 32);
  struct alignas(64) LongSet {
    Entry way[4];
  };

  static constexpr unsigned kBigSetBits = 12;
  struct BigEntry {
    uint32_t tag = 0;  // long_tag(); 0 = empty
    uint32_t count = 0;
    char key[kMaxBigKey] = {};
  };
  static_assert(sizeof(BigEntry) == 64);
  struct alignas(64) BigSet {
    BigEntry way[2];
  };
  static uint64_t big_hash(uint32_t tag, std::string_view s) {
    uint64_t h = tag * 0xD6E8FEB86659FD93ull;
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

  std::vector<BigSet> big_ = std::vector<BigSet>(size_t{1} << kBigSetBits);
  std::vector<LongSet> long_ = std::vector<LongSet>(size_t{1} << kLongSetBits);
  std::vector<ShortSet> short_ = std::vector<ShortSet>(size_t{1} << kShortSetBits);
};

}  // namespace epubtok::tokenizers::tiktoken
