#include "tokenizers/bpe/pair_table.h"

#include <algorithm>
#include <bit>
#include <optional>
#include <span>
#include <vector>

#include "core/compiled_file.h"
#include "tokenizers/bpe/merge.h"

namespace epubtok::tokenizers::bpe {
namespace {

// Section offsets from write_sections()'s first id.
enum : uint32_t { kCount = 0, kSlots = 1, kByteRanks = 2, kBytePairs = 3 };

// A token's bytes as merge_linked() sees them, with the one pair that spans
// the whole token left unranked: the merge then stops where the token's
// own BPE would take its last step.
struct SplitParts {
  const RankTable& table;
  const unsigned char* p;
  uint32_t n;
  Rank pair_rank(uint32_t i, uint32_t /*j*/, uint32_t after_j) const {
    return i == 0 && after_j == n ? kNoRank : table.find(p + i, after_j - i);
  }
  void merge(uint32_t /*i*/, uint32_t /*j*/, Rank /*rank*/) {}
};

struct Owned {
  std::vector<uint64_t> slots;
  std::vector<Rank> byte_rank;
  std::vector<Rank> byte_pairs;
};

// The base of the single bytes' ranks when they are 256 consecutive ranks,
// else nullopt.
std::optional<Rank> contiguous_byte_base(std::span<const Rank> byte_rank) {
  const Rank base = *std::min_element(byte_rank.begin(), byte_rank.end());
  std::vector<bool> seen(256, false);
  for (const Rank r : byte_rank) {
    if (r - base >= 256 || seen[r - base]) return std::nullopt;
    seen[r - base] = true;
  }
  return base;
}

}  // namespace

PairTable::PairTable(const RankTable& ranks) {
  if (ranks.rank_end() > kMaxRank) return;
  auto owned = std::make_shared<Owned>();
  owned->byte_rank.assign(256, kNoRank);
  struct Entry {
    uint64_t key;
    Rank merged;
  };
  std::vector<Entry> entries;
  LinkedMergeScratch scratch;
  for (Rank r = 0; r < ranks.rank_end(); ++r) {
    const std::string_view bytes = ranks.bytes_of(r);
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    if (bytes.size() == 1) owned->byte_rank[p[0]] = r;
    if (bytes.size() < 2) continue;
    const auto n = static_cast<uint32_t>(bytes.size());
    SplitParts parts{ranks, p, n};
    merge_linked(parts, n, scratch);
    const uint32_t mid = scratch.next[0];
    if (mid >= n || scratch.next[mid] != n) continue;  // not two parts: never formed by a merge
    const Rank left = ranks.find(p, mid);
    const Rank right = ranks.find(p + mid, n - mid);
    entries.push_back({(uint64_t{left} << 21) | right, r});
  }
  for (const Rank b : owned->byte_rank) {
    if (b == kNoRank) return;  // BPE needs every byte; without them the table stays empty
  }
  const size_t capacity = std::bit_ceil(entries.size() * 2 + 16);
  shift_ = 64 - static_cast<unsigned>(std::countr_zero(capacity));
  mask_ = capacity - 1;
  owned->slots.assign(capacity, 0);
  for (const Entry& e : entries) {
    size_t i = slot_of(e.key);
    while (owned->slots[i] != 0) i = (i + 1) & mask_;
    owned->slots[i] = e.key | (uint64_t{e.merged + 1} << 42);
  }
  count_ = entries.size();
  slots_ = owned->slots.data();
  byte_rank_ = owned->byte_rank.data();
  if (const auto base = contiguous_byte_base(owned->byte_rank)) {
    byte_base_ = *base;
    owned->byte_pairs.resize(size_t{256} * 256);
    for (uint32_t a = 0; a < 256; ++a) {
      for (uint32_t b = 0; b < 256; ++b) owned->byte_pairs[(a << 8) | b] = find_hashed(*base + a, *base + b);
    }
    byte_pairs_ = owned->byte_pairs.data();
  }
  keep_ = std::move(owned);
}

void PairTable::write_sections(compiled::Writer& out, uint32_t first_id) const {
  const size_t slot_count = slots_ == nullptr ? 0 : mask_ + 1;
  const uint64_t count = count_;
  out.add_records(first_id + kCount, std::span<const uint64_t>(&count, 1));
  out.add_records(first_id + kSlots, std::span<const uint64_t>(slots_, slot_count));
  out.add_records(first_id + kByteRanks, std::span<const Rank>(byte_rank_, byte_rank_ ? 256 : 0));
  out.add_records(first_id + kBytePairs, std::span<const Rank>(byte_pairs_, byte_pairs_ ? size_t{256} * 256 : 0));
}

bool PairTable::from_sections(const compiled::Reader& in, uint32_t first_id, PairTable& out) {
  const auto count = in.records<uint64_t>(first_id + kCount);
  const auto slots = in.records<uint64_t>(first_id + kSlots);
  const auto byte_rank = in.records<Rank>(first_id + kByteRanks);
  const auto byte_pairs = in.records<Rank>(first_id + kBytePairs);
  if (!count || count->size() != 1 || !slots || !byte_rank || !byte_pairs) return false;
  PairTable t;
  if (slots->empty()) {  // a vocabulary too large for the table
    out = std::move(t);
    return true;
  }
  // Probing relies on a power-of-two slot count with at least one empty slot.
  if (!std::has_single_bit(slots->size()) || (*count)[0] >= slots->size() || byte_rank->size() != 256) return false;
  t.slots_ = slots->data();
  t.mask_ = slots->size() - 1;
  t.shift_ = 64 - static_cast<unsigned>(std::countr_zero(slots->size()));
  t.byte_rank_ = byte_rank->data();
  if (!byte_pairs->empty()) {
    const auto base = contiguous_byte_base(*byte_rank);
    if (!base || byte_pairs->size() != size_t{256} * 256) return false;
    t.byte_base_ = *base;
    t.byte_pairs_ = byte_pairs->data();
  }
  t.count_ = (*count)[0];
  t.keep_ = in.keep_alive();
  out = std::move(t);
  return true;
}

}  // namespace epubtok::tokenizers::bpe
