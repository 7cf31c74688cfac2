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
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
    k.set = long_set(k);
    return k;
  }

  // The cached count of the piece `k` was made from (9 <= size <=
  // kMaxKey), or -1: the key's own set only, as find_short() does; a miss
  // goes on to find_alt() before it counts as one.
  int64_t find(const LongKey& k) const { return probe(long_[k.set], k); }
  // The key's alternate set, where store() moves entries that leave a full
  // set (see find_short_alt()); -1 if not there either.
  int64_t find_alt(const LongKey& k) const { return probe(long_[long_alt_set(k)], k); }
  // Inserts a key that find() and find_alt() both missed as its set's
  // newest entry; the set's oldest entry moves to its own alternate set,
  // whose oldest leaves the cache.
  void store(const LongKey& k, uint32_t count) {
    const Entry out = push_front(long_[k.set], Entry{k.tag, count, {k.w[0], k.w[1], k.w[2]}});
    if (out.tag == 0) return;
    LongKey o{{out.key[0], out.key[1], out.key[2]}, out.tag, 0};
    o.set = long_set(o);
    const size_t alt = long_alt_set(o);
    if (alt != k.set && o.set == k.set) push_front(long_[alt], out);  // else it was here as a guest: it leaves
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

  // Long runs of white space that no exact cut shortens below
  // kMaxBigKey + 1 bytes (Claude's vocabulary has newline-and-spaces tokens
  // of up to 1,024 bytes, so its runs in indented markup stay whole): few
  // distinct ones, each a long merge. A hash map of at most kMaxHugeEntries,
  // emptied when full, for pieces of up to kMaxHugeKey bytes.
  static constexpr size_t kMaxHugeKey = 4096;
  static constexpr size_t kMaxHugeEntries = 1 << 14;
  // The cached count of `piece` (kMaxBigKey < size <= kMaxHugeKey) for
  // `owner`, or -1.
  int64_t find_huge(uint64_t owner, std::string_view piece) {
    huge_key(owner, piece);
    const auto it = huge_.find(huge_scratch_);
    return it == huge_.end() ? -1 : static_cast<int64_t>(it->second);
  }
  void store_huge(uint64_t owner, std::string_view piece, uint32_t count) {
    if (huge_.size() >= kMaxHugeEntries) huge_.clear();
    huge_key(owner, piece);
    huge_.emplace(huge_scratch_, count);
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
    set_out = static_cast<size_t>(short_hash(word, tag) >> (64 - kShortSetBits));
    return probe(short_[set_out], word, tag);
  }
  // The other set a short key may live in: when a store fills a set, its
  // oldest entry moves here instead of leaving the cache. Keys spread over
  // sets unevenly (Moby-Dick's 12,900 distinct short pieces put 5-6 into
  // some of the 16,384 four-way sets), and with FIFO eviction the keys of
  // such a set evicted each other on every pass through the book: ~1,000
  // BPE merges per pass, each a few misses in the multi-megabyte rank
  // table. Probed only after find_short() missed, so hits pay nothing.
  int64_t find_short_alt(uint64_t owner, uint64_t word, size_t len) const {
    const uint32_t tag = short_tag(owner, len);
    return probe(short_[short_alt_set(short_hash(word, tag))], word, tag);
  }
  // Inserts a key that find_short() and find_short_alt() both missed as
  // its set's newest entry (FIFO: a hit does not reorder, which keeps the
  // hit path free of stores); the set's oldest entry moves to its
  // alternate set, whose oldest leaves the cache.
  void store_short(size_t set_index, uint64_t owner, uint64_t word, size_t len, uint32_t count) {
    ShortSet& set = short_[set_index];
    const uint64_t out_word = set.word[3];
    const uint32_t out_tag = set.tag[3], out_count1 = set.count1[3];
    set.push_front(word, short_tag(owner, len), count + 1);
    if (out_tag == 0) return;
    const uint64_t h = short_hash(out_word, out_tag);
    const size_t home = static_cast<size_t>(h >> (64 - kShortSetBits));
    const size_t alt = short_alt_set(h);
    // An entry that was here as a guest (home elsewhere) leaves.
    if (alt != set_index && home == set_index) short_[alt].push_front(out_word, out_tag, out_count1);
  }

 private:
  // Owner ids are handed out from 1 upwards, one per loaded encoding; tags
  // keep their low 24 bits (plus the length), which tells apart any 16
  // million encodings loaded in one process.
  static uint32_t short_tag(uint64_t owner, size_t len) { return static_cast<uint32_t>((owner << 8) | len); }
  static uint32_t long_tag(uint64_t owner, size_t len) { return static_cast<uint32_t>((owner << 8) | len); }

  static uint64_t short_hash(uint64_t word, uint32_t tag) {
    return (word ^ (tag * 0xD6E8FEB86659FD93ull)) * 0x9E3779B97F4A7C15ull;
  }
  // From bits the home set does not use (the product's middle bits).
  static size_t short_alt_set(uint64_t h) { return static_cast<size_t>(h >> 20) & ((size_t{1} << kShortSetBits) - 1); }
  static size_t long_set(const LongKey& k) {
    uint64_t h = k.w[0] * 0x9E3779B97F4A7C15ull + k.w[1] * 0xBF58476D1CE4E5B9ull + k.w[2] * 0x94D049BB133111EBull +
                 k.tag * 0xD6E8FEB86659FD93ull;
    h = (h ^ (h >> 32)) * 0x9E3779B97F4A7C15ull;
    return static_cast<size_t>(h >> (64 - kLongSetBits));
  }
  static size_t long_alt_set(const LongKey& k) {
    const uint64_t h =
        (k.w[0] ^ k.w[1] * 0x94D049BB133111EBull ^ k.w[2] * 0x9E3779B97F4A7C15ull ^ k.tag) * 0xBF58476D1CE4E5B9ull;
    return static_cast<size_t>(h >> (64 - kLongSetBits));
  }

  static constexpr unsigned kShortSetBits = 14;
  // Two-way sets of 32-byte entries, one cache line each, 65536 entries
  // (2 MB): the long pieces of a book (9-22 bytes: " something",
  // " whale-ship") are fewer and rarer than short ones, but a miss costs a
  // BPE merge (~1-3 us of rank-table cache misses). Moby-Dick has ~8,600
  // distinct ones: a direct-mapped 16k-entry cache missed ~1,000 of them on
  // every pass, two-way sets still a few hundred (the sets that drew three
  // keys) until full sets passed their oldest entry on to the alternate
  // set. (Four-way sets of two lines made every probe touch both lines.)
  // 65536 rather than 32768 entries: 20 MB of generate_novel() text (a
  // shelf of books by one author, ~48k distinct long pieces) overflowed
  // the smaller cache and counted at half the speed (~135 -> ~270 MB/s
  // CPU, cl100k); a single book is unaffected, as only the lines it
  // touches are ever loaded.
  static constexpr unsigned kLongSetBits = 15;
  // Four entries as arrays (one cache line), so one SSE2 compare checks
  // all four tags and two all four words.
  struct alignas(64) ShortSet {
    uint64_t word[4] = {};
    uint32_t tag[4] = {};     // short_tag(); 0 = empty (lengths are >= 1)
    uint32_t count1[4] = {};  // the count plus one, so a miss reads as 0
    void push_front(uint64_t w, uint32_t t, uint32_t c1) {
      for (size_t i = 3; i > 0; --i) {
        word[i] = word[i - 1];
        tag[i] = tag[i - 1];
        count1[i] = count1[i - 1];
      }
      word[0] = w;
      tag[0] = t;
      count1[0] = c1;
    }
  };
  static_assert(sizeof(ShortSet) == 64);
  struct Entry {
    uint32_t tag = 0;  // long_tag(); 0 = empty
    uint32_t count = 0;
    uint64_t key[3] = {};  // the piece, zero-padded
  };
  static_assert(sizeof(Entry) == 32);
  struct alignas(64) LongSet {
    Entry way[2];
  };

  // The count stored for the key in `set`, or -1. Branch-free: in a real
  // book's sets the way holding a hit varies from piece to piece, and the
  // early-exit loop's branch mispredicted on about every other piece.
  static int64_t probe(const ShortSet& set, uint64_t word, uint32_t tag) {
#if defined(__SSE2__)
    // ~20 instructions for all four ways (the scalar loop below compiles
    // to ~40): a way matches when both halves of its word and its tag do;
    // the matching way's count1 survives the mask (at most one way holds
    // a key), and no match leaves 0, i.e. -1 after the "minus one".
    const __m128i w = _mm_set1_epi64x(static_cast<long long>(word));
    const __m128 e01 = _mm_castsi128_ps(_mm_cmpeq_epi32(_mm_load_si128(reinterpret_cast<const __m128i*>(set.word)), w));
    const __m128 e23 =
        _mm_castsi128_ps(_mm_cmpeq_epi32(_mm_load_si128(reinterpret_cast<const __m128i*>(set.word + 2)), w));
    const __m128i words_equal = _mm_castps_si128(_mm_and_ps(_mm_shuffle_ps(e01, e23, _MM_SHUFFLE(2, 0, 2, 0)),
                                                            _mm_shuffle_ps(e01, e23, _MM_SHUFFLE(3, 1, 3, 1))));
    const __m128i tags_equal = _mm_cmpeq_epi32(_mm_load_si128(reinterpret_cast<const __m128i*>(set.tag)),
                                               _mm_set1_epi32(static_cast<int>(tag)));
    __m128i c = _mm_and_si128(_mm_and_si128(words_equal, tags_equal),
                              _mm_load_si128(reinterpret_cast<const __m128i*>(set.count1)));
    c = _mm_or_si128(c, _mm_shuffle_epi32(c, _MM_SHUFFLE(1, 0, 3, 2)));
    c = _mm_or_si128(c, _mm_shuffle_epi32(c, _MM_SHUFFLE(2, 3, 0, 1)));
    return static_cast<int64_t>(static_cast<uint32_t>(_mm_cvtsi128_si32(c))) - 1;
#else
    uint32_t found = 0;
    for (size_t i = 0; i < 4; ++i) {
      // A mask, not a ?: select, which GCC compiles to a branch.
      const uint32_t match = -static_cast<uint32_t>(((set.word[i] ^ word) | (set.tag[i] ^ tag)) == 0);
      found |= set.count1[i] & match;
    }
    return static_cast<int64_t>(found) - 1;
#endif
  }
  static int64_t probe(const LongSet& set, const LongKey& k) {
    int64_t found = -1;
    for (const Entry& e : set.way) {
      const int64_t match = -static_cast<int64_t>(
          ((e.key[0] ^ k.w[0]) | (e.key[1] ^ k.w[1]) | (e.key[2] ^ k.w[2]) | (e.tag ^ k.tag)) == 0);
      found ^= (found ^ static_cast<int64_t>(e.count)) & match;
    }
    return found;
  }
  // Makes `e` the set's newest entry and returns the oldest, which leaves.
  template <typename Set, typename E>
  static E push_front(Set& set, const E& e) {
    constexpr size_t kWays = std::extent_v<decltype(Set::way)>;
    const E out = set.way[kWays - 1];
    for (size_t i = kWays - 1; i > 0; --i) set.way[i] = set.way[i - 1];
    set.way[0] = e;
    return out;
  }

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

  // The key of the huge map: the owner's eight bytes, then the piece.
  void huge_key(uint64_t owner, std::string_view piece) {
    huge_scratch_.assign(reinterpret_cast<const char*>(&owner), sizeof owner);
    huge_scratch_.append(piece);
  }

  std::vector<BigSet> big_ = std::vector<BigSet>(size_t{1} << kBigSetBits);
  std::unordered_map<std::string, uint32_t> huge_;
  std::string huge_scratch_;
  std::vector<LongSet> long_ = std::vector<LongSet>(size_t{1} << kLongSetBits);
  std::vector<ShortSet> short_ = std::vector<ShortSet>(size_t{1} << kShortSetBits);
};

}  // namespace epubtok::tokenizers::tiktoken
