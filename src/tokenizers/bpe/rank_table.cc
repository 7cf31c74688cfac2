#include "tokenizers/bpe/rank_table.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <span>
#include <type_traits>

#include "core/compiled_file.h"

namespace epubtok::tokenizers::bpe {

struct RankTable::Owned {
  std::vector<Slot> slots;
  std::string arena;
  std::vector<uint32_t> offset_of_rank;
  std::vector<uint16_t> len_of_rank;
};

namespace {

// Section offsets from write_sections()'s first id.
enum : uint32_t { kMeta = 0, kSlots = 1, kArena = 2, kOffsets = 3, kLens = 4 };

// The scalars of a table, section kMeta.
struct Meta {
  uint64_t slot_count;
  uint64_t count;
  uint64_t rank_end;
};

}  // namespace

RankTable::RankTable(const std::vector<std::pair<std::string, Rank>>& tokens) {
  auto owned = std::make_shared<Owned>();
  // Load factor <= 0.5: probes stay short, and the table for o200k is 8 MB.
  size_t capacity = std::bit_ceil(tokens.size() * 2 + 16);
  owned->slots.assign(capacity, Slot{0, 0, 0, 0, kNoRank});
  mask_ = capacity - 1;
  // Sized up front: growing these one token at a time copied and
  // page-faulted megabytes while loading o200k.
  size_t arena_bytes = 0;
  Rank max_rank = 0;
  for (const auto& [bytes, rank] : tokens) {
    arena_bytes += bytes.size();
    max_rank = std::max(max_rank, rank);
  }
  owned->arena.reserve(arena_bytes);
  if (!tokens.empty()) {
    owned->offset_of_rank.assign(size_t{max_rank} + 1, UINT32_MAX);
    owned->len_of_rank.assign(size_t{max_rank} + 1, 0);
  }
  for (const auto& [bytes, rank] : tokens) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    Slot s{load_prefix(p, bytes.size()), static_cast<uint32_t>(owned->arena.size()),
           static_cast<uint16_t>(bytes.size()), 0, rank};
    owned->arena += bytes;
    for (size_t i = hash(s.word, p, bytes.size()) & mask_;; i = (i + 1) & mask_) {
      if (owned->slots[i].rank == kNoRank) {
        owned->slots[i] = s;
        break;
      }
    }
    owned->offset_of_rank[rank] = s.offset;
    owned->len_of_rank[rank] = s.len;
    ++count_;
    if (rank + 1 > rank_end_) rank_end_ = rank + 1;
  }
  slots_ = owned->slots.data();
  arena_ = owned->arena.data();
  arena_size_ = owned->arena.size();
  offset_of_rank_ = owned->offset_of_rank.data();
  len_of_rank_ = owned->len_of_rank.data();
  keep_ = std::move(owned);
}

void RankTable::write_sections(compiled::Writer& out, uint32_t first_id) const {
  static_assert(std::is_trivially_copyable_v<Slot> && sizeof(Slot) == 24);
  const size_t slot_count = slots_ == nullptr ? 0 : mask_ + 1;
  const Meta meta{slot_count, count_, rank_end_};
  out.add_records(first_id + kMeta, std::span<const Meta>(&meta, 1));
  // Field by field into zeroed records, so the padding is zero and the
  // file the same on every run.
  std::vector<Slot> slots(slot_count);
  std::memset(static_cast<void*>(slots.data()), 0, slots.size() * sizeof(Slot));
  for (size_t i = 0; i < slot_count; ++i) {
    slots[i].word = slots_[i].word;
    slots[i].offset = slots_[i].offset;
    slots[i].len = slots_[i].len;
    slots[i].rank = slots_[i].rank;
  }
  out.add_records(first_id + kSlots, std::span<const Slot>(slots));
  out.add(first_id + kArena, std::string_view(arena_, arena_size_));
  out.add_records(first_id + kOffsets, std::span<const uint32_t>(offset_of_rank_, rank_end_));
  out.add_records(first_id + kLens, std::span<const uint16_t>(len_of_rank_, rank_end_));
}

bool RankTable::from_sections(const compiled::Reader& in, uint32_t first_id, RankTable& out) {
  const auto meta = in.records<Meta>(first_id + kMeta);
  const auto slots = in.records<Slot>(first_id + kSlots);
  const auto arena = in.section(first_id + kArena);
  const auto offsets = in.records<uint32_t>(first_id + kOffsets);
  const auto lens = in.records<uint16_t>(first_id + kLens);
  if (!meta || meta->size() != 1 || !slots || !arena || !offsets || !lens) return false;
  const Meta& m = (*meta)[0];
  // Probing relies on a power-of-two slot count with at least one empty slot.
  if (slots->size() != m.slot_count || !std::has_single_bit(m.slot_count) || m.count >= m.slot_count ||
      m.rank_end >= kNoRank || offsets->size() != m.rank_end || lens->size() != m.rank_end ||
      arena->size() >= UINT32_MAX) {
    return false;
  }
  RankTable t;
  t.slots_ = slots->data();
  t.mask_ = m.slot_count - 1;
  t.arena_ = arena->data();
  t.arena_size_ = arena->size();
  t.offset_of_rank_ = offsets->data();
  t.len_of_rank_ = lens->data();
  t.count_ = m.count;
  t.rank_end_ = static_cast<Rank>(m.rank_end);
  t.keep_ = in.keep_alive();
  out = std::move(t);
  return true;
}

}  // namespace epubtok::tokenizers::bpe
