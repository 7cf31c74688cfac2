// merge_flat() and merge_linked() against a naive merge loop, on random
// symbol sequences and random merge tables: the id-pair shape of the
// Hugging Face engine (bpe_test.cc covers the rank-table shape on the real
// vocabularies).
#include "tokenizers/bpe/merge.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <utility>
#include <vector>

namespace epubtok::tokenizers::bpe {
namespace {

// (left, right) -> (rank, merged symbol); every rank distinct, as a merges
// list gives them.
using Rules = std::map<std::pair<uint32_t, uint32_t>, std::pair<Rank, uint32_t>>;

Rules random_rules(std::mt19937& rng, uint32_t alphabet, size_t count) {
  Rules rules;
  std::vector<Rank> ranks(count);
  for (size_t i = 0; i < count; ++i) ranks[i] = static_cast<Rank>(i);
  std::shuffle(ranks.begin(), ranks.end(), rng);
  uint32_t next_symbol = alphabet;
  for (size_t i = 0; i < count; ++i) {
    // Pairs over the alphabet and the symbols earlier rules made, so that
    // merges chain as real vocabularies do.
    std::uniform_int_distribution<uint32_t> any(0, next_symbol - 1);
    const std::pair<uint32_t, uint32_t> pair{any(rng), any(rng)};
    if (rules.count(pair) != 0) continue;
    rules[pair] = {ranks[i], next_symbol++};
  }
  return rules;
}

// The textbook loop: merge the lowest-ranked adjacent pair, leftmost first.
std::vector<uint32_t> naive_merge(const Rules& rules, std::vector<uint32_t> syms) {
  for (;;) {
    Rank best = kNoRank;
    size_t at = 0;
    for (size_t i = 0; i + 1 < syms.size(); ++i) {
      const auto it = rules.find({syms[i], syms[i + 1]});
      if (it != rules.end() && it->second.first < best) {
        best = it->second.first;
        at = i;
      }
    }
    if (best == kNoRank) return syms;
    syms[at] = rules.at({syms[at], syms[at + 1]}).second;
    syms.erase(syms.begin() + static_cast<std::ptrdiff_t>(at) + 1);
  }
}

struct Flat {
  const Rules& rules;
  uint32_t* sym;
  uint32_t* merged;
  Rank pair_rank(size_t k) const {
    const auto it = rules.find({sym[k], sym[k + 1]});
    merged[k] = it == rules.end() ? 0 : it->second.second;
    return it == rules.end() ? kNoRank : it->second.first;
  }
  void merge(size_t k, size_t count, Rank rank) {
    EXPECT_EQ(rank, rules.at({sym[k], sym[k + 1]}).first) << "merge() is told the rank of the pair it merges";
    sym[k] = merged[k];
    remove_at(sym, k + 1, count - 1);
    remove_at(merged, k + 1, count - 2);
  }
};

struct Linked {
  const Rules& rules;
  std::vector<uint32_t>& sym;
  std::vector<uint32_t>& merged;
  Rank pair_rank(uint32_t i, uint32_t j, uint32_t /*after_j*/) const {
    const auto it = rules.find({sym[i], sym[j]});
    merged[i] = it == rules.end() ? 0 : it->second.second;
    return it == rules.end() ? kNoRank : it->second.first;
  }
  void merge(uint32_t i, uint32_t j, Rank rank) {
    EXPECT_EQ(rank, rules.at({sym[i], sym[j]}).first) << "merge() is told the rank of the pair it merges";
    sym[i] = merged[i];
  }
};

TEST(MergeTest, FlatAndLinkedMakeTheNaiveMerges) {
  std::mt19937 rng(20261207);
  LinkedMergeScratch scratch;
  size_t merged_somewhere = 0;
  for (int round = 0; round < 300; ++round) {
    const uint32_t alphabet = 2 + rng() % 6;
    const Rules rules = random_rules(rng, alphabet, 5 + rng() % 60);
    for (int t = 0; t < 20; ++t) {
      const size_t n = 1 + rng() % 64;
      std::vector<uint32_t> syms(n);
      for (uint32_t& s : syms) s = rng() % alphabet;
      const std::vector<uint32_t> want = naive_merge(rules, syms);
      if (want.size() < syms.size()) ++merged_somewhere;

      uint32_t sym[64 + kPairScanPadding] = {};
      uint32_t merged[64 + kPairScanPadding] = {};
      int32_t key[64 + kPairScanPadding];
      std::copy(syms.begin(), syms.end(), sym);
      Flat flat{rules, sym, merged};
      const size_t parts = merge_flat(flat, n, key);
      ASSERT_EQ(std::vector<uint32_t>(sym, sym + parts), want) << "round " << round << ", flat";

      std::vector<uint32_t> lsym = syms, lmerged(n);
      Linked linked{rules, lsym, lmerged};
      merge_linked(linked, n, scratch);
      std::vector<uint32_t> got;
      for (size_t i = 0; i < n; i = scratch.next[i]) got.push_back(lsym[i]);
      ASSERT_EQ(got, want) << "round " << round << ", linked";
    }
  }
  // The tables must actually merge, or the comparison proves nothing.
  EXPECT_GT(merged_somewhere, 3000u);
}

}  // namespace
}  // namespace epubtok::tokenizers::bpe
