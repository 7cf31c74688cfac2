#include "tokenizers/bpe/piece_cache.h"

#include <sys/mman.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <new>

#include "tokenizers/bpe/rank_table.h"

namespace epubtok::tokenizers::bpe {
PieceCache::PieceCache() {
  constexpr size_t kFrontBytes = sizeof(FrontEntry) << kFrontBits;
  constexpr size_t kLongBytes = sizeof(LongSet) << kLongSetBits;
  constexpr size_t kBigBytes = sizeof(BigSet) << kBigSetBits;
  // Each tier starts on a page, so none shares a page with another.
  static_assert(kFrontBytes % 4096 == 0 && kLongBytes % 4096 == 0);
  // Anonymous private pages read as zeros until written: no tier is zeroed
  // here, and a tier an owner never uses never gets memory. The mapping is
  // whole huge pages, aligned, and asks for transparent huge pages: the
  // slots are spread by hash, so a pass through a book touches nearly every
  // page of the tiers it uses, and one fault per 2 MB costs far less than
  // two per 4 KB (the first read maps the zero page, the first write copies
  // it); the probes miss the TLB less as well. Where the kernel gives no
  // huge pages, the mapping works as before.
  constexpr size_t kHugePage = size_t{2} << 20;
  tiers_bytes_ = (kFrontBytes + kLongBytes + kBigBytes + kHugePage - 1) / kHugePage * kHugePage;
  void* raw = mmap(nullptr, tiers_bytes_ + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  auto* const raw_bytes = static_cast<unsigned char*>(raw);
  const size_t head = (kHugePage - reinterpret_cast<uintptr_t>(raw) % kHugePage) % kHugePage;
  if (head > 0) munmap(raw, head);
  if (head < kHugePage) munmap(raw_bytes + head + tiers_bytes_, kHugePage - head);
  tiers_ = raw_bytes + head;
  madvise(tiers_, tiers_bytes_, MADV_HUGEPAGE);  // advice only: failing leaves 4 KB pages
  auto* base = static_cast<unsigned char*>(tiers_);
  front_ = reinterpret_cast<FrontEntry*>(base);
  long_ = reinterpret_cast<LongSet*>(base + kFrontBytes);
  big_ = reinterpret_cast<BigSet*>(base + kFrontBytes + kLongBytes);
}

PieceCache::~PieceCache() { munmap(tiers_, tiers_bytes_); }

uint64_t PieceCache::new_owner() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1);
}

PieceCache& PieceCache::of_slow(uint64_t owner) {
  thread_local std::unordered_map<uint64_t, std::unique_ptr<PieceCache>> caches;
  auto& slot = caches[owner];
  if (!slot) slot = std::make_unique<PieceCache>();
  return *slot;
}

PieceCache::LongKey PieceCache::long_key(const unsigned char* p, size_t n, size_t readable) {
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
      k.w[i] = have == 0 ? 0 : RankTable::load_le(p + 8 * i, have < 8 ? have : 8);
    }
  }
  k.len = static_cast<uint32_t>(n);
  k.set = long_set(k);
  return k;
}

void PieceCache::store(const LongKey& k, uint32_t count) {
  const LongEntry out = push_front(long_[k.set], LongEntry{k.len, count, {k.w[0], k.w[1], k.w[2]}});
  if (out.len == 0) return;
  LongKey o{{out.key[0], out.key[1], out.key[2]}, out.len, 0};
  o.set = long_set(o);
  const size_t alt = long_alt_set(o);
  // An entry that was here as a guest (its home is elsewhere) leaves.
  if (alt != k.set && o.set == k.set) push_front(long_[alt], out);
}

uint64_t PieceCache::big_hash(std::string_view s) {
  uint64_t h = s.size() * 0xD6E8FEB86659FD93ULL;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
  }
  if (i < s.size()) {
    const uint64_t w = RankTable::load_le(reinterpret_cast<const unsigned char*>(s.data()) + i, s.size() - i);
    h = (h ^ w) * 0x94D049BB133111EBULL;
  }
  return h ^ (h >> 29);
}

void PieceCache::insert_ids(std::string_view key, uint64_t h, const uint32_t* ids, size_t n) {
  if (ids_count_ + 1 > ids_slots_.size() / 2) {
    if (ids_slots_.size() >= (size_t{1} << 20)) {
      // Bounded memory: start over rather than grow without end.
      ids_slots_.clear();
      ids_keys_.clear();
      ids_.clear();
      ids_count_ = 0;
    }
    ids_mask_ = rehash_slots(ids_slots_, ids_slots_.empty() ? (size_t{1} << 14) : ids_slots_.size() * 2);
  }
  size_t i = h & ids_mask_;
  while (ids_slots_[i].hash != 0) i = (i + 1) & ids_mask_;
  ids_slots_[i] = IdsSlot{h, static_cast<uint32_t>(ids_keys_.size()), static_cast<uint32_t>(key.size()),
                          static_cast<uint32_t>(ids_.size()), static_cast<uint32_t>(n)};
  ids_keys_.append(key);
  ids_.insert(ids_.end(), ids, ids + n);
  ++ids_count_;
}

}  // namespace epubtok::tokenizers::bpe
