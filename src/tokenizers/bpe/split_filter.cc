#include "tokenizers/bpe/split_filter.h"

#include <algorithm>
#include <cstring>
#include <span>
#include <type_traits>

#include "core/compiled_file.h"

namespace epubtok::tokenizers::bpe {

struct SplitFilter::Owned {
  std::vector<uint32_t> center;
  std::vector<Context> contexts;
};

SplitFilter::SplitFilter(const std::vector<std::pair<std::string, Rank>>& tokens) {
  auto owned = std::make_shared<Owned>();
  std::vector<uint32_t>& center = owned->center;
  std::vector<Context>& contexts = owned->contexts;
  center.assign(kCenterSize, 0);
  for (const auto& [bytes, rank] : tokens) {
    const auto* t = reinterpret_cast<const unsigned char*>(bytes.data());
    const size_t n = bytes.size();
    // Internal boundary k: the token has k bytes left of a spanning
    // position and n - k right of it; record its window in the shape its
    // extent gives (one or two bytes on each side).
    for (size_t k = 1; k < n; ++k) {
      uint32_t& slot = center[(t[k - 1] << 8) | t[k]];
      if (slot == 0) {
        contexts.emplace_back();
        slot = static_cast<uint32_t>(contexts.size());
      }
      Context& c = contexts[slot - 1];
      const bool l2 = k >= 2, r2 = n - k >= 2;
      if (!l2 && !r2) c.clipped_both = true;
      if (l2 && !r2) set(c.left, t[k - 2]);
      if (!l2 && r2) set(c.right, t[k + 1]);
      if (l2 && r2) set(c.both, both_bit(t[k - 2], t[k + 1]));
    }
  }
  center_ = center.data();
  contexts_ = contexts.data();
  context_count_ = contexts.size();
  keep_ = std::move(owned);
}

void SplitFilter::write_sections(compiled::Writer& out, uint32_t first_id) const {
  static_assert(std::is_trivially_copyable_v<Context>);
  if (center_ == nullptr) return;
  out.add_records(first_id, std::span<const uint32_t>(center_, kCenterSize));
  // Field by field into zeroed records: the padding after clipped_both is
  // then zero too, and the file is the same on every run.
  std::vector<Context> copy(context_count_);
  std::memset(static_cast<void*>(copy.data()), 0, copy.size() * sizeof(Context));
  for (size_t i = 0; i < context_count_; ++i) {
    std::copy_n(contexts_[i].left, 4, copy[i].left);
    std::copy_n(contexts_[i].right, 4, copy[i].right);
    std::copy_n(contexts_[i].both, 8, copy[i].both);
    copy[i].clipped_both = contexts_[i].clipped_both;
  }
  out.add_records(first_id + 1, std::span<const Context>(copy));
}

bool SplitFilter::from_sections(const compiled::Reader& in, uint32_t first_id, SplitFilter& out) {
  const auto center = in.records<uint32_t>(first_id);
  const auto contexts = in.records<Context>(first_id + 1);
  if (!center || !contexts || center->size() != kCenterSize) return false;
  // Every center entry must name a context that exists.
  const uint32_t most = *std::max_element(center->begin(), center->end());
  if (most > contexts->size()) return false;
  SplitFilter f;
  f.center_ = center->data();
  f.contexts_ = contexts->data();
  f.context_count_ = contexts->size();
  f.keep_ = in.keep_alive();
  out = std::move(f);
  return true;
}

}  // namespace epubtok::tokenizers::bpe
