// A flat, immutable map from token bytes to rank (= token id for tiktoken
// encodings): the lookup BPE does for every candidate merge.
//
// Open addressing with linear probing over one array of 24-byte slots; the
// token bytes live in one arena. Keys of up to 8 bytes (most merge
// candidates) are compared as one 64-bit word held in the slot, so a lookup
// touches one cache line, where std::unordered_map<std::string, …> would
// allocate nodes, chase pointers and hash the whole string.
//
// The arrays are reached through plain pointers, whether the table built
// them (owned storage) or they lie in a mapped compiled vocabulary file
// (core/compiled_file.h): find() costs the same either way. `keep_` owns
// whichever storage the pointers point into; copies share it.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace epubtok::compiled {
class Reader;
class Writer;
}  // namespace epubtok::compiled

namespace epubtok::tokenizers::bpe {

using Rank = uint32_t;
inline constexpr Rank kNoRank = 0xFFFFFFFFu;

class RankTable {
 public:
  RankTable() = default;

  // Builds the table. `tokens[i]` = (bytes, rank); byte strings must be
  // non-empty, unique and at most 65535 bytes; ranks unique. Not thread-safe
  // during construction; immutable (and thread-safe) afterwards.
  explicit RankTable(const std::vector<std::pair<std::string, Rank>>& tokens);

  // Adds the table's arrays to a compiled file as sections first_id ..
  // first_id + kSections - 1.
  static constexpr uint32_t kSections = 5;
  void write_sections(compiled::Writer& out, uint32_t first_id) const;
  // The table stored by write_sections() in `in`, used in place (it keeps
  // the mapping alive). False, leaving `out` alone, when a section is
  // missing or the sizes disagree.
  static bool from_sections(const compiled::Reader& in, uint32_t first_id, RankTable& out);

  // The rank of the byte string [p, p + n), or kNoRank. Thread-safe.
  Rank find(const unsigned char* p, size_t n) const {
    if (n == 0 || slots_ == nullptr) return kNoRank;
    const uint64_t word = load_prefix(p, n);
    uint64_t h = hash(word, p, n);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.rank == kNoRank) return kNoRank;
      if (s.word == word && s.len == n && (n <= 8 || std::memcmp(arena_ + s.offset + 8, p + 8, n - 8) == 0)) {
        return s.rank;
      }
    }
  }
  // find() for a key inside a larger buffer: `readable` >= n bytes may be
  // read from p, which lets a short key load as one unaligned 8-byte word
  // instead of a variable-length copy. Same result as find(p, n).
  Rank find_in_buffer(const unsigned char* p, size_t n, size_t readable) const {
    if (n == 0 || n > 8 || readable < 8 || slots_ == nullptr) return find(p, n);
    uint64_t word;
    std::memcpy(&word, p, 8);
    if (n < 8) word &= (uint64_t{1} << (8 * n)) - 1;
    for (size_t i = hash(word, p, n) & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.rank == kNoRank) return kNoRank;
      if (s.word == word && s.len == n) return s.rank;
    }
  }
  Rank find(std::string_view bytes) const {
    return find(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  }

  // The bytes of the token with rank `rank`; empty if there is none.
  std::string_view bytes_of(Rank rank) const {
    if (rank >= rank_end_ || offset_of_rank_[rank] == UINT32_MAX) return {};
    return {arena_ + offset_of_rank_[rank], len_of_rank_[rank]};
  }

  size_t size() const { return count_; }
  // One more than the largest rank; 0 when empty.
  Rank rank_end() const { return rank_end_; }

 private:
  // A record of the compiled file's slot section, hence a fixed layout.
  struct Slot {
    uint64_t word;    // the first 8 bytes, zero padded
    uint32_t offset;  // where the bytes start in arena_
    uint16_t len;
    uint16_t pad;
    Rank rank;  // kNoRank marks an empty slot
  };
  static_assert(sizeof(uint64_t) == 8);
  struct Owned;  // the arrays of a table built in memory

  static uint64_t load_prefix(const unsigned char* p, size_t n) { return load_le(p, n < 8 ? n : 8); }

 public:
  // The n <= 8 bytes at p as a zero-padded little-endian word, reading only
  // [p, p + n). Two overlapping fixed-size loads instead of a variable
  // memcpy, which compiles to a libc call.
  static uint64_t load_le(const unsigned char* p, size_t n) {
    if (n >= 4) {
      uint32_t lo, hi;
      std::memcpy(&lo, p, 4);
      std::memcpy(&hi, p + n - 4, 4);
      return lo | (static_cast<uint64_t>(hi) << (8 * (n - 4)));  // overlapping bytes agree
    }
    if (n == 0) return 0;
    return p[0] | (static_cast<uint64_t>(p[n / 2]) << (8 * (n / 2))) |
           (static_cast<uint64_t>(p[n - 1]) << (8 * (n - 1)));
  }

 private:
  static uint64_t hash(uint64_t word, const unsigned char* p, size_t n) {
    uint64_t h = (word ^ (n * 0x9E3779B97F4A7C15ull)) * 0xBF58476D1CE4E5B9ull;
    for (size_t i = 8; i < n; i += 8) {
      const uint64_t w = load_le(p + i, n - i < 8 ? n - i : 8);
      h = (h ^ w) * 0x94D049BB133111EBull;
    }
    return h ^ (h >> 31);
  }

  const Slot* slots_ = nullptr;  // mask_ + 1 slots; null when empty
  size_t mask_ = 0;
  const char* arena_ = nullptr;
  size_t arena_size_ = 0;
  const uint32_t* offset_of_rank_ = nullptr;  // rank_end_ entries: arena offset, or UINT32_MAX
  const uint16_t* len_of_rank_ = nullptr;     // rank_end_ entries
  size_t count_ = 0;
  Rank rank_end_ = 0;
  std::shared_ptr<const void> keep_;  // the storage the pointers point into
};

}  // namespace epubtok::tokenizers::bpe
