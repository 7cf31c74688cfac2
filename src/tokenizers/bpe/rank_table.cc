#include "tokenizers/bpe/rank_table.h"

#include <algorithm>
#include <bit>

namespace epubtok::tokenizers::bpe {

RankTable::RankTable(const std::vector<std::pair<std::string, Rank>>& tokens) {
  // Load factor <= 0.5: probes stay short, and the table for o200k is 8 MB.
  size_t capacity = std::bit_ceil(tokens.size() * 2 + 16);
  slots_.assign(capacity, Slot{0, 0, 0, 0, kNoRank});
  mask_ = capacity - 1;
  // Sized up front: growing these one token at a time copied and
  // page-faulted megabytes while loading o200k.
  size_t arena_bytes = 0;
  Rank max_rank = 0;
  for (const auto& [bytes, rank] : tokens) {
    arena_bytes += bytes.size();
    max_rank = std::max(max_rank, rank);
  }
  arena_.reserve(arena_bytes);
  if (!tokens.empty()) {
    offset_of_rank_.assign(size_t{max_rank} + 1, UINT32_MAX);
    len_of_rank_.assign(size_t{max_rank} + 1, 0);
  }
  for (const auto& [bytes, rank] : tokens) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    Slot s{load_prefix(p, bytes.size()), static_cast<uint32_t>(arena_.size()), static_cast<uint16_t>(bytes.size()), 0,
           rank};
    arena_ += bytes;
    for (size_t i = hash(s.word, p, bytes.size()) & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].rank == kNoRank) {
        slots_[i] = s;
        break;
      }
    }
    if (rank >= offset_of_rank_.size()) {
      offset_of_rank_.resize(rank + 1, UINT32_MAX);
      len_of_rank_.resize(rank + 1, 0);
    }
    offset_of_rank_[rank] = s.offset;
    len_of_rank_[rank] = s.len;
    ++count_;
    if (rank + 1 > rank_end_) rank_end_ = rank + 1;
  }
}

std::string_view RankTable::bytes_of(Rank rank) const {
  if (rank >= offset_of_rank_.size() || offset_of_rank_[rank] == UINT32_MAX) return {};
  return std::string_view(arena_).substr(offset_of_rank_[rank], len_of_rank_[rank]);
}

}  // namespace epubtok::tokenizers::bpe
