// The shared piece cache: every tier answers only what was stored for that
// piece, keys read past a piece agree with exact-size ones, sets pass their
// oldest entries on instead of losing them, owners never share entries, and
// the ids map returns the ids it was given.
#include "tokenizers/bpe/piece_cache.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace epubtok::tokenizers::bpe {
namespace {

const unsigned char* bytes(const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// The count tiers may forget (sets evict their oldest entry) but must never
// answer with another piece's count: many more keys than entries, keys that
// differ only in length, NUL bytes or a last byte, and prefixes.
TEST(PieceCacheTest, AnswersOnlyWhatWasStoredForThatPiece) {
  auto cache = std::make_unique<PieceCache>();
  std::mt19937_64 rng(42);
  std::map<std::string, uint32_t> stored;  // latest count per piece
  size_t hits = 0;
  for (int i = 0; i < 300000; ++i) {
    std::string piece(1 + rng() % (rng() % 4 == 0 ? PieceCache::kMaxBigKey : PieceCache::kMaxLongKey), '\0');
    for (char& c : piece) c = static_cast<char>("ab \0\xE4"[rng() % 5]);  // few symbols: many near-duplicates
    const uint32_t count = static_cast<uint32_t>(rng() % (piece.size() + 1));
    // Keys from a buffer with garbage after the piece (the count path
    // reads whole words past it) and from an exact-size copy must agree.
    const std::string padded = piece + std::string(30, '\x7F');
    if (piece.size() <= PieceCache::kMaxFrontKey) {
      const PieceCache::FrontKey k = PieceCache::front_key16(padded.data(), piece.size());
      const PieceCache::FrontKey exact = PieceCache::front_key(piece);
      ASSERT_TRUE(k.w0 == exact.w0 && k.w1 == exact.w1 && k.len == exact.len) << i;
      PieceCache::FrontEntry& front = cache->front_slot(k);
      ASSERT_EQ(&front, &cache->front_slot(exact));
      if (PieceCache::front_hit(front, exact)) {
        ASSERT_TRUE(stored.count(piece)) << i;
        ASSERT_EQ(front.n, stored[piece]) << i;
        ++hits;
        continue;  // stores follow misses only (counts are a function of the key)
      }
      const PieceCache::LongKey l = PieceCache::long_key(k);
      ASSERT_EQ(l.set, PieceCache::long_key(bytes(piece), piece.size(), piece.size()).set);
      int64_t got = cache->find(l);
      if (got < 0) got = cache->find_alt(l);
      if (got >= 0) {
        ASSERT_TRUE(stored.count(piece)) << i;
        ASSERT_EQ(got, stored[piece]) << i;
        ++hits;
        cache->store(l, static_cast<uint32_t>(got));
        PieceCache::front_fill_count(front, k, static_cast<uint32_t>(got));
        continue;
      }
      cache->store(l, count);
      PieceCache::front_fill_count(front, k, count);
      ASSERT_TRUE(PieceCache::front_hit(cache->front_slot(exact), exact));
    } else if (piece.size() > PieceCache::kMaxLongKey) {
      size_t set = 0;
      const int64_t got = cache->find_big(piece, set);
      if (got >= 0) {
        ASSERT_TRUE(stored.count(piece)) << i;
        ASSERT_EQ(got, stored[piece]) << i;
        ++hits;
      }
      cache->store_big(set, piece, count);
      ASSERT_EQ(cache->find_big(piece, set), count);
    } else {
      const auto k = PieceCache::long_key(bytes(padded), piece.size(), padded.size());
      const auto exact = PieceCache::long_key(bytes(piece), piece.size(), piece.size());
      ASSERT_EQ(k.set, exact.set);
      int64_t got = cache->find(exact);
      if (got < 0) got = cache->find_alt(exact);
      if (got >= 0) {
        ASSERT_TRUE(stored.count(piece)) << i;
        ASSERT_EQ(got, stored[piece]) << i;
        ++hits;
        continue;
      }
      cache->store(k, count);
      ASSERT_EQ(cache->find(exact), count);
    }
    stored[piece] = count;
  }
  EXPECT_GT(hits, 1000u);  // the short keys repeat: the test did exercise hits
}

// More keys than ways in one set stay cached: the set's oldest entries
// move to their alternate sets (FIFO eviction alone made keys that share a
// set evict each other for the whole book).
TEST(PieceCacheTest, KeepsMoreKeysThanOneSetHoldsWhenTheyShareASet) {
  auto cache = std::make_unique<PieceCache>();
  for (const char* prefix : {"p", " piece-"}) {  // front-sized and long keys
    std::map<size_t, std::vector<std::string>> by_set;
    std::vector<std::string> same;
    for (int i = 0; same.empty(); ++i) {
      std::string piece = prefix + std::to_string(i);
      auto& keys = by_set[PieceCache::long_key(bytes(piece), piece.size(), piece.size()).set];
      keys.push_back(piece);
      if (keys.size() == 5) same = keys;
    }
    auto key_of = [](const std::string& p) { return PieceCache::long_key(bytes(p), p.size(), p.size()); };
    for (size_t i = 0; i < same.size(); ++i) {
      ASSERT_LT(cache->find(key_of(same[i])), 0);
      ASSERT_LT(cache->find_alt(key_of(same[i])), 0);
      cache->store(key_of(same[i]), static_cast<uint32_t>(i + 1));
    }
    size_t in_home = 0;
    for (size_t i = 0; i < same.size(); ++i) {
      int64_t got = cache->find(key_of(same[i]));
      in_home += got >= 0;
      if (got < 0) got = cache->find_alt(key_of(same[i]));
      EXPECT_EQ(got, static_cast<int64_t>(i + 1)) << "key " << i << " of 5 sharing a set: " << same[i];
    }
    EXPECT_EQ(in_home, 2u);  // two ways at home, the rest next door
  }
}

// The huge tier (long white-space runs) stays bounded: a full map empties
// rather than grows, and what it still answers is right.
TEST(PieceCacheTest, HugeTierStaysBounded) {
  auto cache = std::make_unique<PieceCache>();
  const std::string a = "\n" + std::string(200, ' '), b = "\n" + std::string(201, ' ');
  EXPECT_EQ(cache->find_huge(a), -1);
  cache->store_huge(a, 3);
  EXPECT_EQ(cache->find_huge(a), 3);
  EXPECT_EQ(cache->find_huge(b), -1);
  for (size_t i = 0; i < PieceCache::kMaxHugeEntries; ++i) {
    cache->store_huge(std::string(100 + i % 50, ' ') + std::to_string(i), 1);
  }
  const int64_t left = cache->find_huge(a);
  EXPECT_TRUE(left == -1 || left == 3);
}

// Each owner has its own cache on a thread, so two tokenizers never read
// each other's entries; a thread's cache for an owner is the same object
// on every call.
TEST(PieceCacheTest, OwnersNeverShareEntries) {
  const uint64_t a = PieceCache::new_owner(), b = PieceCache::new_owner();
  ASSERT_NE(a, b);
  PieceCache& ca = PieceCache::of(a);
  PieceCache& cb = PieceCache::of(b);
  ASSERT_NE(&ca, &cb);
  EXPECT_EQ(&PieceCache::of(a), &ca);
  const std::string piece = " whale";
  const PieceCache::FrontKey k = PieceCache::front_key(piece);
  PieceCache::front_fill_count(ca.front_slot(k), k, 7);
  EXPECT_TRUE(PieceCache::front_hit(ca.front_slot(k), k));
  EXPECT_FALSE(PieceCache::front_hit(cb.front_slot(k), k));
  cb.store_huge(std::string(300, ' '), 9);
  EXPECT_EQ(ca.find_huge(std::string(300, ' ')), -1);
}

// ids_of: a miss asks the model once and stores its ids, in the ids map
// (any piece up to kMaxIdsKey bytes) and in the front (the single id of a
// one-token piece); a refused piece stores nothing; pieces past
// kMaxIdsKey are never stored.
TEST(PieceCacheTest, IdsOfAsksTheModelOnceAndReturnsItsIds) {
  auto cache = std::make_unique<PieceCache>();
  int calls = 0;
  auto model = [&](std::string_view p, std::vector<uint32_t>& out) {
    ++calls;
    if (p == "refused") return false;
    for (char c : p) out.push_back(static_cast<unsigned char>(c) + 1000);
    return true;
  };
  std::vector<uint32_t> scratch;
  const uint32_t* ids = nullptr;
  uint32_t n = 0;
  std::mt19937_64 rng(3);
  std::vector<std::string> pieces;
  for (int i = 0; i < 3000; ++i) {
    std::string p(1 + rng() % 40, 'a');
    for (char& c : p) c = static_cast<char>('a' + rng() % 3);
    pieces.push_back(p);
  }
  std::map<std::string, int> asked;
  for (int pass = 0; pass < 2; ++pass) {
    for (const std::string& p : pieces) {
      const int before = calls;
      ASSERT_TRUE(cache->ids_of(p, scratch, model, &ids, &n));
      ASSERT_EQ(n, p.size());
      for (size_t i = 0; i < p.size(); ++i) ASSERT_EQ(ids[i], static_cast<unsigned char>(p[i]) + 1000u);
      asked[p] += calls - before;
    }
  }
  for (const auto& [p, times] : asked) EXPECT_EQ(times, 1) << p;  // the second pass and repeats were all cached
  const PieceCache::FrontKey one = PieceCache::front_key("b");
  ASSERT_TRUE(cache->ids_of("b", scratch, model, &ids, &n));
  ASSERT_TRUE(PieceCache::front_hit(cache->front_slot(one), one));
  EXPECT_EQ(cache->front_slot(one).id, 'b' + 1000u);
  EXPECT_FALSE(cache->ids_of("refused", scratch, model, &ids, &n));
  EXPECT_FALSE(cache->ids_of("refused", scratch, model, &ids, &n));
  const std::string huge(PieceCache::kMaxIdsKey + 1, 'x');
  calls = 0;
  ASSERT_TRUE(cache->ids_of(huge, scratch, model, &ids, &n));
  ASSERT_TRUE(cache->ids_of(huge, scratch, model, &ids, &n));
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace epubtok::tokenizers::bpe
