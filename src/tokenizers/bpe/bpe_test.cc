// The fast BPE merge against a slow, obviously-correct BPE on the real
// vocabularies, the rank table, and the exact split filter.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizers/bpe/bpe.h"
#include "tokenizers/bpe/pair_table.h"
#include "tokenizers/bpe/rank_table.h"
#include "tokenizers/bpe/split_filter.h"
#include "tokenizers/bpe/whitespace_cuts.h"
#include "tokenizers/registry.h"
#include "tokenizers/tiktoken/tiktoken_encoding.h"

namespace epubtok::tokenizers::bpe {
namespace {
using namespace std::string_literals;

// The textbook algorithm: parts start as single bytes; while some adjacent
// pair concatenates to a token, merge the pair with the lowest rank (the
// leftmost among equal ranks). Quadratic and allocation-heavy on purpose.
std::vector<Rank> naive_bpe(const RankTable& table, const std::string& piece) {
  std::vector<std::string> parts;
  for (char c : piece) parts.emplace_back(1, c);
  for (;;) {
    Rank best = kNoRank;
    size_t at = 0;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      const Rank r = table.find(parts[i] + parts[i + 1]);
      if (r < best) {
        best = r;
        at = i;
      }
    }
    if (best == kNoRank) break;
    parts[at] += parts[at + 1];
    parts.erase(parts.begin() + static_cast<std::ptrdiff_t>(at) + 1);
  }
  std::vector<Rank> ids;
  ids.reserve(parts.size());
  for (const auto& p : parts) ids.push_back(table.find(p));
  return ids;
}

const tiktoken::TiktokenEncoding& encoding(const std::string& id) {
  auto tok = Registry::global().get(id);
  EXPECT_TRUE(tok) << tok.status().to_string();
  return dynamic_cast<const tiktoken::TiktokenEncoding&>(**tok);
}

// Pieces that exercise short and long merges: random bytes, random letters
// (merge-rich), CJK runs, digit runs, repeated characters (rank ties).
std::string random_piece(std::mt19937_64& rng) {
  const size_t n = 1 + rng() % (rng() % 4 == 0 ? 400 : 40);
  std::string s;
  switch (rng() % 5) {
    case 0:
      while (s.size() < n) s += static_cast<char>(rng() % 256);
      break;
    case 1:
      while (s.size() < n) s += static_cast<char>('a' + rng() % 26);
      break;
    case 2:
      while (s.size() < n) {
        const char32_t cp = 0x4E00 + static_cast<char32_t>(rng() % 3000);
        s += static_cast<char>(0xE0 | (cp >> 12));
        s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        s += static_cast<char>(0x80 | (cp & 0x3F));
      }
      break;
    case 3:
      while (s.size() < n) s += static_cast<char>('0' + rng() % 10);
      break;
    default: s.assign(n, "a =\n"[rng() % 4]);
  }
  return s;
}

class BpeOracleTest : public ::testing::TestWithParam<std::string> {};

TEST_P(BpeOracleTest, FastMergeEqualsNaiveMerge) {
  const tiktoken::TiktokenEncoding& enc = encoding(GetParam());
  const RankTable& table = enc.ranks();
  ASSERT_TRUE(enc.pairs().usable());
  std::mt19937_64 rng(42);
  for (int i = 0; i < 6000; ++i) {
    const std::string piece = random_piece(rng);
    std::vector<Rank> ids;
    encode_piece(table, enc.pairs(), piece, ids);
    const std::vector<Rank> slow = naive_bpe(table, piece);
    ASSERT_EQ(ids, slow) << "piece of " << piece.size() << " bytes, case " << i;
    ASSERT_EQ(count_piece(table, enc.pairs(), piece), slow.size());
    if (slow.size() > 1) {
      ASSERT_EQ(count_merged(enc.pairs(), piece), slow.size());
    }
  }
}

TEST_P(BpeOracleTest, LoadedPairTableIsTheOneBuiltFromTheRanks) {
  // The encoding's table comes from the compiled vocabulary file: it must
  // hold exactly the splits a fresh build finds.
  const tiktoken::TiktokenEncoding& enc = encoding(GetParam());
  const RankTable& table = enc.ranks();
  const PairTable fresh(table);
  ASSERT_EQ(enc.pairs().size(), fresh.size());
  size_t formed = 0;
  for (Rank r = 0; r < table.rank_end(); ++r) {
    const std::string_view bytes = table.bytes_of(r);
    if (bytes.size() < 2) continue;
    // Every split of the token into two tokens: at most one is its split.
    size_t found = 0;
    for (size_t mid = 1; mid < bytes.size(); ++mid) {
      const Rank a = table.find(bytes.substr(0, mid));
      const Rank b = table.find(bytes.substr(mid));
      if (a == kNoRank || b == kNoRank) continue;
      ASSERT_EQ(enc.pairs().find(a, b), fresh.find(a, b)) << "token " << r;
      if (fresh.find(a, b) == r) ++found;
    }
    ASSERT_LE(found, 1u) << "token " << r;
    formed += found;
  }
  EXPECT_EQ(formed, fresh.size());
}

// Vocabularies no BPE training would make: every string of up to four
// letters over a small alphabet, a random part of them kept, ranked at
// random. Tokens form in any order and many can never form; merging by ids
// must still make the same merges as merging by bytes.
TEST(PairTableTest, AnyRankOrderMergesAsTheBytesDo) {
  std::mt19937_64 rng(2026);
  size_t merges = 0;
  for (int round = 0; round < 40; ++round) {
    const int letters = 2 + static_cast<int>(rng() % 3);
    std::vector<std::string> strings;
    strings.reserve(256);
    for (int b = 0; b < 256; ++b) strings.emplace_back(1, static_cast<char>(b));
    std::vector<std::string> frontier{""};
    for (int len = 1; len <= 4; ++len) {
      std::vector<std::string> next;
      for (const auto& s : frontier) {
        for (int c = 0; c < letters; ++c) next.push_back(s + static_cast<char>('a' + c));
      }
      for (const auto& s : next) {
        if (len > 1 && rng() % 3 != 0) strings.push_back(s);
      }
      frontier = std::move(next);
    }
    std::vector<Rank> order(strings.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<Rank>(i);
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<std::pair<std::string, Rank>> tokens;
    for (size_t i = 0; i < strings.size(); ++i) tokens.emplace_back(strings[i], order[i]);
    const RankTable table(tokens);
    const PairTable pairs(table);
    ASSERT_TRUE(pairs.usable());
    for (int i = 0; i < 400; ++i) {
      std::string piece;
      const size_t n = 1 + rng() % (i % 10 == 0 ? 200 : 12);
      while (piece.size() < n) piece += static_cast<char>('a' + rng() % letters);
      std::vector<Rank> by_ids;
      encode_piece(table, pairs, piece, by_ids);
      // tiktoken takes a piece that is itself a token whole, even one its
      // merges could never form.
      const Rank whole = table.find(piece);
      const std::vector<Rank> slow = whole != kNoRank ? std::vector<Rank>{whole} : naive_bpe(table, piece);
      ASSERT_EQ(by_ids, slow) << "round " << round << ", piece " << piece;
      merges += piece.size() - slow.size();
    }
  }
  EXPECT_GT(merges, 10000u);  // the pieces really merged
}

TEST(PairTableTest, UnusableWithoutEveryByteOrBeyondItsRanks) {
  EXPECT_FALSE(PairTable(RankTable({{"a", 0}, {"b", 1}, {"ab", 2}})).usable());
  std::vector<std::pair<std::string, Rank>> tokens;
  tokens.reserve(258);
  for (int b = 0; b < 256; ++b) tokens.emplace_back(std::string(1, static_cast<char>(b)), static_cast<Rank>(b));
  tokens.emplace_back("ab", 256);
  EXPECT_TRUE(PairTable(RankTable(tokens)).usable());
  tokens.emplace_back("abc", PairTable::kMaxRank + 1);
  EXPECT_FALSE(PairTable(RankTable(tokens)).usable());
}

TEST_P(BpeOracleTest, SplitFilterCutsOnlyWhereNoTokenSpans) {
  const tiktoken::TiktokenEncoding& enc = encoding(GetParam());
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    const std::string piece = random_piece(rng);
    // Counting through the encoding uses the split filter on long pieces;
    // encode_ordinary does not. They must agree.
    ASSERT_EQ(enc.count_ordinary(piece), enc.encode_ordinary(piece).size()) << "case " << i;
  }
}

// Blank, indented lines as extracted markup has them: runs of spaces, tabs
// and line feeds (sometimes \r\n), from a few bytes to several hundred.
std::string random_white_space(std::mt19937_64& rng) {
  std::string s;
  const size_t lines = 1 + rng() % (rng() % 3 == 0 ? 60 : 6);
  for (size_t i = 0; i < lines; ++i) {
    if (rng() % 6 == 0) s += '\r';
    s += '\n';
    const size_t indent = rng() % 4 == 0 ? rng() % 130 : 2 * (rng() % 12);
    s.append(indent, rng() % 10 == 0 ? '\t' : ' ');
    if (rng() % 5 == 0) s.append(1 + rng() % 3, ' ');
  }
  return s;
}

TEST_P(BpeOracleTest, WhiteSpaceCutsAreExact) {
  const tiktoken::TiktokenEncoding& enc = encoding(GetParam());
  const RankTable& table = enc.ranks();
  const WhitespaceCuts cuts(table);
  std::mt19937_64 rng(11);
  for (int i = 0; i < 300; ++i) {
    const std::string piece = random_white_space(rng);
    ASSERT_TRUE(WhitespaceCuts::applies(piece));
    // No token may span a cut: check every substring across it.
    std::vector<std::string_view> chunks;
    cuts.for_each_chunk(piece, [&](std::string_view chunk) { chunks.push_back(chunk); });
    size_t covered = 0;
    uint64_t chunk_tokens = 0;
    for (const std::string_view chunk : chunks) {
      covered += chunk.size();
      chunk_tokens += count_piece(table, enc.pairs(), chunk);
      const size_t cut = static_cast<size_t>(chunk.data() - piece.data());
      if (cut == 0) continue;
      for (size_t a = cut >= 128 ? cut - 128 : 0; a < cut; ++a) {
        for (size_t b = cut + 1; b <= piece.size() && b - a <= 128; ++b) {
          ASSERT_EQ(table.find(std::string_view(piece).substr(a, b - a)), kNoRank)
              << "a token spans the cut at " << cut << " in case " << i;
        }
      }
    }
    ASSERT_EQ(covered, piece.size());
    // The chunks' counts add up to the whole piece's BPE, and the count path
    // (which cuts) agrees with the ids path (which does not).
    if (piece.size() <= 300) {
      ASSERT_EQ(chunk_tokens, naive_bpe(table, piece).size()) << "case " << i;
    }
    ASSERT_EQ(chunk_tokens, count_piece(table, enc.pairs(), piece)) << "case " << i;
    ASSERT_EQ(enc.count_ordinary(piece), enc.encode_ordinary(piece).size()) << "case " << i;
  }
  EXPECT_FALSE(WhitespaceCuts::applies(" \n x"));
  EXPECT_FALSE(WhitespaceCuts::applies("\xC2\xA0"));  // no-break space is not ASCII white space
}

INSTANTIATE_TEST_SUITE_P(Vocabularies, BpeOracleTest,
                         ::testing::Values("cl100k_base", "o200k_base", "p50k_base", "claude"),
                         [](const auto& info) { return info.param; });

TEST(RankTableTest, FindsEveryTokenAndNothingElse) {
  std::vector<std::pair<std::string, Rank>> tokens = {{"a", 0}, {"b", 1}, {"ab", 2}, {"abcdefghij", 3}, {"\0x"s, 4}};
  RankTable t(tokens);
  for (const auto& [bytes, rank] : tokens) EXPECT_EQ(t.find(bytes), rank) << bytes;
  EXPECT_EQ(t.find("abc"), kNoRank);
  EXPECT_EQ(t.find("abcdefghik"), kNoRank);
  EXPECT_EQ(t.find(std::string_view("\0", 1)), kNoRank);  // zero padding must not alias shorter keys
  EXPECT_EQ(t.find(""), kNoRank);
  const std::string buffer = "abcdefghijkl";
  EXPECT_EQ(t.find_in_buffer(reinterpret_cast<const unsigned char*>(buffer.data()), 2, buffer.size()), 2u);
  EXPECT_EQ(t.find_in_buffer(reinterpret_cast<const unsigned char*>(buffer.data()), 3, buffer.size()), kNoRank);
  EXPECT_EQ(t.bytes_of(3), "abcdefghij");
  EXPECT_EQ(t.size(), 5u);
}

TEST(SplitFilterTest, KeepsPositionsSomeTokenSpans) {
  std::vector<std::pair<std::string, Rank>> tokens = {{"x", 0}, {"y", 1}, {"z", 2}, {"xy", 3}, {"wxyz", 4}};
  SplitFilter f(tokens);
  EXPECT_FALSE(f.can_split("xy", 1));    // "xy" is a token
  EXPECT_FALSE(f.can_split("wxyz", 2));  // "wxyz" spans the middle
  EXPECT_TRUE(f.can_split("yx", 1));     // nothing has "y" followed by "x"
  EXPECT_TRUE(f.can_split("zz", 1));
}

// Long single pieces stay near-linear (tiktoken's own issues #195/#245
// show quadratic merges): a 1 MB run without spaces and a 1 MB CJK "word"
// must count in seconds, not hours.
TEST(BpePathologicalTest, LongPiecesCountInNearLinearTime) {
  const tiktoken::TiktokenEncoding& enc = encoding("cl100k_base");
  std::mt19937_64 rng(3);
  std::string letters;
  while (letters.size() < 1'000'000) letters += static_cast<char>('a' + rng() % 26);
  std::string cjk;
  while (cjk.size() < 1'000'000) {
    const char32_t cp = 0x4E00 + static_cast<char32_t>(rng() % 20000);
    cjk += static_cast<char>(0xE0 | (cp >> 12));
    cjk += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    cjk += static_cast<char>(0x80 | (cp & 0x3F));
  }
  for (const std::string* text : {&letters, &cjk}) {
    const auto t0 = std::chrono::steady_clock::now();
    const uint64_t n = enc.count(*text);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_GT(n, text->size() / 8);
    EXPECT_LT(s, 30.0) << "1 MB single piece took " << s << " s";
  }
}

}  // namespace
}  // namespace epubtok::tokenizers::bpe
