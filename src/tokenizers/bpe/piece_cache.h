// The piece cache both tokenizer engines use: piece bytes -> token count
// and, for owners that need them, ids.
//
// Book text repeats its words constantly, so most pre-tokenizer pieces are
// answered here instead of by the model, whose rank or vocabulary lookups
// miss the CPU caches. One cache per thread and owner (a tokenizer, or a
// tokenizer's separate use such as HF's cut parts): entries need no owner
// tag, and tokenizers used in turn never evict each other.
//
// Tiers, in the order a lookup tries them:
//  - the front, direct-mapped: pieces of at most kMaxFrontKey bytes as two
//    zero-padded words plus the length, holding the count and the id of a
//    one-token piece. A hit is one multiply, one slot and three compares,
//    inline in the engines' scanner loops.
//  - for owners that only count (the tiktoken engine): set-associative
//    count tiers: pieces of up to kMaxLongKey bytes (the front's backing
//    store and the home of longer pieces), up to kMaxBigKey bytes, and a
//    bounded map of long white-space runs (up to kMaxHugeKey bytes).
//  - for owners that need ids (the Hugging Face engine): a map of every
//    piece of up to kMaxIdsKey bytes with all its ids.
// A front miss that one of the tiers behind answers refills the front.
//
// The fixed-size tiers live in one anonymous mapping of zero pages, in
// transparent huge pages where the kernel has them: making a cache zeroes
// nothing, and only the pages a text touches get memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "core/hash.h"
#include "tokenizers/bpe/rank_table.h"

namespace epubtok::tokenizers::bpe {

class PieceCache {
 public:
  // The calling thread's cache for `owner` (from new_owner()), made on
  // first use and kept for the thread's life. Inline, with the last cache
  // remembered: engines call it per text segment.
  static PieceCache& of(uint64_t owner) {
    thread_local uint64_t last_owner = 0;
    thread_local PieceCache* last = nullptr;
    if (last != nullptr && last_owner == owner) return *last;
    last = &of_slow(owner);
    last_owner = owner;
    return *last;
  }
  // An owner id no other user of this process has.
  static uint64_t new_owner();

  PieceCache();
  ~PieceCache();
  PieceCache(const PieceCache&) = delete;
  PieceCache& operator=(const PieceCache&) = delete;

  // ---- The front -------------------------------------------------------

  static constexpr size_t kMaxFrontKey = 16;

  // A piece of at most kMaxFrontKey bytes as the front compares it: its
  // bytes zero-padded to two words, plus the length (a piece may hold NUL
  // bytes).
  struct FrontKey {
    uint64_t w0, w1;
    uint32_t len;
  };
  // The key of [p, p + n), n <= kMaxFrontKey, when at least 16 bytes may be
  // read from p: two loads masked to n bytes. Branch-free, as piece lengths
  // alternate unpredictably.
  static FrontKey front_key16(const char* p, size_t n) {
    // kLengthMask + 16 - n: n bytes of 0xFF, then zeros.
    alignas(32) static constexpr unsigned char kLengthMask[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                                                  0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    uint64_t a, b, ma, mb;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + 8, 8);
    std::memcpy(&ma, kLengthMask + 16 - n, 8);
    std::memcpy(&mb, kLengthMask + 24 - n, 8);
    return FrontKey{a & ma, b & mb, static_cast<uint32_t>(n)};
  }
  // The same key when no byte past the piece may be read (n <= 16).
  static FrontKey front_key(std::string_view piece) {
    const auto* d = reinterpret_cast<const unsigned char*>(piece.data());
    const size_t n = piece.size();
    return FrontKey{RankTable::load_le(d, n < 8 ? n : 8), n > 8 ? RankTable::load_le(d + 8, n - 8) : 0,
                    static_cast<uint32_t>(n)};
  }

  // A front slot: a hit when its key equals the looked-up one. An owner
  // either fills ids (front_fill) or counts only (front_fill_count), so
  // `id` is meaningful exactly when the owner asks for ids and n == 1.
  struct FrontEntry {
    uint64_t w0, w1;
    uint32_t len;  // 0: empty (empty pieces never reach the cache)
    uint32_t n;    // token count
    uint32_t id;   // the id when n == 1 (owners that fill ids)
    uint32_t pad;
  };
  static_assert(sizeof(FrontEntry) == 32);
  FrontEntry& front_slot(const FrontKey& k) {
    // The product's top bits pick the slot; a collision only costs a miss,
    // as the whole key is compared.
    const uint64_t h = (k.w0 ^ ((k.w1 << 29) | (k.w1 >> 35)) ^ k.len) * 0x9E3779B97F4A7C15ULL;
    return front_[h >> (64 - kFrontBits)];
  }
  static bool front_hit(const FrontEntry& e, const FrontKey& k) {
    return ((e.w0 ^ k.w0) | (e.w1 ^ k.w1) | (e.len ^ k.len)) == 0;
  }
  static void front_fill_count(FrontEntry& e, const FrontKey& k, uint32_t n) {
    e.w0 = k.w0;
    e.w1 = k.w1;
    e.len = k.len;
    e.n = n;
    e.id = 0;
  }
  static void front_fill(FrontEntry& e, const FrontKey& k, const uint32_t* ids, uint32_t n) {
    front_fill_count(e, k, n);
    if (n == 1) e.id = ids[0];
  }

  // ---- Count tiers (owners that only count) ----------------------------

  // Pieces of up to kMaxLongKey bytes: two-way sets of three-word keys,
  // one cache line per set, and an alternate set per key.
  static constexpr size_t kMaxLongKey = 22;
  static_assert(kMaxLongKey <= 24, "long keys are three words");
  static_assert(kMaxFrontKey <= 16, "a front key is the first two words of a long key");

  // A piece of at most kMaxLongKey bytes as the long tier compares it:
  // zero-padded to three words, so a lookup is three word compares and the
  // hash needs no loop.
  struct LongKey {
    uint64_t w[3];
    uint32_t len;
    size_t set;
  };
  // The key of [p, p + n); `readable` >= n bytes may be read from p
  // (reading 24 of them, when there are, avoids variable-length copies).
  static LongKey long_key(const unsigned char* p, size_t n, size_t readable);
  // The long key of a front key's piece.
  static LongKey long_key(const FrontKey& k) {
    LongKey l{{k.w0, k.w1, 0}, k.len, 0};
    l.set = long_set(l);
    return l;
  }

  // The cached count of the piece `k` was made from, or -1: the key's own
  // set only; a miss goes on to find_alt() before it counts as one.
  int64_t find(const LongKey& k) const { return probe(long_[k.set], k); }
  // The key's alternate set, where store() moves entries that leave a full
  // set; -1 if not there either. Probed only after find() missed, so hits
  // pay nothing for it.
  int64_t find_alt(const LongKey& k) const { return probe(long_[long_alt_set(k)], k); }
  // Inserts a key that find() missed as its set's newest entry (FIFO: a hit
  // does not reorder, which keeps the hit path free of stores); the set's
  // oldest entry moves to its own alternate set, whose oldest leaves the
  // cache. A key found by find_alt() is stored again, so that it returns
  // home: otherwise entries of an earlier text holding its home set would
  // never be evicted (nothing there misses any more) and the key would pay
  // the second probe for the rest of the process.
  void store(const LongKey& k, uint32_t count);
  // The long tier's count of `k`, else count() (the piece's own count of
  // ids) stored there: find(), find_alt(), store(), as every counting
  // owner looks a piece up.
  template <typename Count>
  uint32_t long_count(const LongKey& k, Count&& count) {
    if (const int64_t hit = find(k); hit >= 0) return static_cast<uint32_t>(hit);
    int64_t n = find_alt(k);
    if (n < 0) n = count();
    store(k, static_cast<uint32_t>(n));  // new, or back to its home set
    return static_cast<uint32_t>(n);
  }

  // Pieces of kMaxLongKey+1..kMaxBigKey bytes (the chunks of CJK clauses
  // that no exact split point cuts): two-way sets of 64-byte entries.
  static constexpr size_t kMaxBigKey = 56;
  // The cached count of `piece`, or -1; `set_out` receives what store_big()
  // needs on a miss.
  int64_t find_big(std::string_view piece, size_t& set_out) const {
    const auto len = static_cast<uint32_t>(piece.size());
    set_out = static_cast<size_t>(big_hash(piece) >> (64 - kBigSetBits));
    for (const BigEntry& e : big_[set_out].way) {
      if (e.len == len && std::memcmp(e.key, piece.data(), piece.size()) == 0) return e.count;
    }
    return -1;
  }
  void store_big(size_t set_index, std::string_view piece, uint32_t count) {
    BigSet& set = big_[set_index];
    set.way[1] = set.way[0];
    BigEntry& e = set.way[0];
    e.len = static_cast<uint32_t>(piece.size());
    e.count = count;
    std::memcpy(e.key, piece.data(), piece.size());
  }
  // The big tier's count of `piece` (kMaxLongKey < size <= kMaxBigKey),
  // else count() stored there.
  template <typename Count>
  uint32_t big_count(std::string_view piece, Count&& count) {
    size_t set = 0;
    if (const int64_t hit = find_big(piece, set); hit >= 0) return static_cast<uint32_t>(hit);
    const uint32_t n = count();
    store_big(set, piece, n);
    return n;
  }

  // Long runs of white space that no exact cut shortens below kMaxBigKey+1
  // bytes (Claude's vocabulary has newline-and-spaces tokens of up to 1,024
  // bytes, so its runs in indented markup stay whole): few distinct ones,
  // each a long merge. A hash map of at most kMaxHugeEntries, emptied when
  // full.
  static constexpr size_t kMaxHugeKey = 4096;
  static constexpr size_t kMaxHugeEntries = 1 << 14;
  // The cached count of `piece` (kMaxBigKey < size <= kMaxHugeKey), or -1.
  int64_t find_huge(std::string_view piece) const {
    const auto it = huge_.find(piece);
    return it == huge_.end() ? -1 : static_cast<int64_t>(it->second);
  }
  void store_huge(std::string_view piece, uint32_t count) {
    if (huge_.size() >= kMaxHugeEntries) huge_.clear();
    huge_.emplace(piece, count);
  }

  // ---- The ids map (owners that need ids) ------------------------------

  static constexpr size_t kMaxIdsKey = 128;

  // The ids of a piece the front has not answered: the map's (then copied
  // to the front), else tokenize(part, out)'s, stored in both (pieces of at
  // most kMaxIdsKey bytes). `out` is the caller's scratch, which *ids may
  // point into. False, storing nothing, when tokenize is.
  template <typename Tokenize>
  bool ids_of(std::string_view part, std::vector<uint32_t>& out, Tokenize&& tokenize, const uint32_t** ids,
              uint32_t* n) {
    FrontEntry* front = nullptr;
    FrontKey key{0, 0, 0};
    if (part.size() <= kMaxFrontKey) {
      key = front_key(part);
      front = &front_slot(key);
    }
    const bool memo = part.size() <= kMaxIdsKey;
    const uint64_t h = memo ? hash_bytes(part) | 1 : 0;
    if (memo && find_ids(part, h, ids, n)) {
      if (front) front_fill(*front, key, *ids, *n);
      return true;
    }
    out.clear();
    if (!tokenize(part, out)) return false;
    if (memo) insert_ids(part, h, out.data(), out.size());
    if (front) front_fill(*front, key, out.data(), static_cast<uint32_t>(out.size()));
    *ids = out.data();
    *n = static_cast<uint32_t>(out.size());
    return true;
  }

 private:
  static constexpr unsigned kFrontBits = 14;
  static constexpr unsigned kLongSetBits = 15;
  static constexpr unsigned kBigSetBits = 12;

  struct LongEntry {
    uint32_t len;  // 0 = empty
    uint32_t count;
    uint64_t key[3];  // the piece, zero-padded
  };
  static_assert(sizeof(LongEntry) == 32);
  struct alignas(64) LongSet {
    LongEntry way[2];
  };
  struct BigEntry {
    uint32_t len;  // 0 = empty
    uint32_t count;
    char key[kMaxBigKey];
  };
  static_assert(sizeof(BigEntry) == 64);
  struct alignas(64) BigSet {
    BigEntry way[2];
  };
  // All-zero bytes are empty entries, so the tiers can live in zero pages.
  static_assert(std::is_trivial_v<FrontEntry> && std::is_trivial_v<LongSet> && std::is_trivial_v<BigSet>);

  static size_t long_set(const LongKey& k) {
    uint64_t h = k.w[0] * 0x9E3779B97F4A7C15ULL + k.w[1] * 0xBF58476D1CE4E5B9ULL + k.w[2] * 0x94D049BB133111EBULL +
                 k.len * 0xD6E8FEB86659FD93ULL;
    h = (h ^ (h >> 32)) * 0x9E3779B97F4A7C15ULL;
    return static_cast<size_t>(h >> (64 - kLongSetBits));
  }
  static size_t long_alt_set(const LongKey& k) {
    const uint64_t h =
        (k.w[0] ^ k.w[1] * 0x94D049BB133111EBULL ^ k.w[2] * 0x9E3779B97F4A7C15ULL ^ k.len) * 0xBF58476D1CE4E5B9ULL;
    return static_cast<size_t>(h >> (64 - kLongSetBits));
  }
  // The count stored for the key in `set`, or -1. Branch-free: the way
  // holding a hit varies from piece to piece, and an early exit mispredicts.
  static int64_t probe(const LongSet& set, const LongKey& k) {
    int64_t found = -1;
    for (const LongEntry& e : set.way) {
      const int64_t match = -static_cast<int64_t>(
          ((e.key[0] ^ k.w[0]) | (e.key[1] ^ k.w[1]) | (e.key[2] ^ k.w[2]) | (e.len ^ k.len)) == 0);
      found ^= (found ^ static_cast<int64_t>(e.count)) & match;
    }
    return found;
  }
  // Makes `e` the set's newest entry and returns the oldest, which leaves.
  static LongEntry push_front(LongSet& set, const LongEntry& e) {
    const LongEntry out = set.way[1];
    set.way[1] = set.way[0];
    set.way[0] = e;
    return out;
  }
  static uint64_t big_hash(std::string_view s);

  // Transparent, so find_huge() looks up a string_view without a copy.
  struct HugeHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  struct IdsSlot {
    uint64_t hash = 0;
    uint32_t key_off = 0, key_len = 0, ids_off = 0, ids_len = 0;
  };
  bool find_ids(std::string_view key, uint64_t h, const uint32_t** ids, uint32_t* n) const {
    if (ids_slots_.empty()) return false;
    size_t i = h & ids_mask_;
    while (true) {
      const IdsSlot& s = ids_slots_[i];
      if (s.hash == 0) return false;
      if (s.hash == h && s.key_len == key.size() && same_bytes(ids_keys_.data() + s.key_off, key.data(), key.size())) {
        *ids = ids_.data() + s.ids_off;
        *n = s.ids_len;
        return true;
      }
      i = (i + 1) & ids_mask_;
    }
  }
  void insert_ids(std::string_view key, uint64_t h, const uint32_t* ids, size_t n);
  // Inline compare: most pieces are a few bytes, where a libc call costs
  // more than the comparison.
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
  static PieceCache& of_slow(uint64_t owner);

  // One mapping holds front_, long_ and big_ (see the header comment).
  void* tiers_ = nullptr;
  size_t tiers_bytes_ = 0;
  FrontEntry* front_ = nullptr;
  LongSet* long_ = nullptr;
  BigSet* big_ = nullptr;
  std::unordered_map<std::string, uint32_t, HugeHash, std::equal_to<>> huge_;
  std::vector<IdsSlot> ids_slots_;
  size_t ids_mask_ = 0;
  size_t ids_count_ = 0;
  std::string ids_keys_;
  std::vector<uint32_t> ids_;
};

}  // namespace epubtok::tokenizers::bpe
