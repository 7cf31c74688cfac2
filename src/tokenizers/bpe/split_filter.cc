#include "tokenizers/bpe/split_filter.h"

namespace epubtok::tokenizers::bpe {

SplitFilter::SplitFilter(const std::vector<std::pair<std::string, Rank>>& tokens) : center_(65536, 0) {
  for (const auto& [bytes, rank] : tokens) {
    const auto* t = reinterpret_cast<const unsigned char*>(bytes.data());
    const size_t n = bytes.size();
    // Internal boundary k: the token has k bytes left of a spanning
    // position and n - k right of it; record its window in the shape its
    // extent gives (one or two bytes on each side).
    for (size_t k = 1; k < n; ++k) {
      uint32_t& slot = center_[(t[k - 1] << 8) | t[k]];
      if (slot == 0) {
        contexts_.emplace_back();
        slot = static_cast<uint32_t>(contexts_.size());
      }
      Context& c = contexts_[slot - 1];
      const bool l2 = k >= 2, r2 = n - k >= 2;
      if (!l2 && !r2) c.clipped_both = true;
      if (l2 && !r2) set(c.left, t[k - 2]);
      if (!l2 && r2) set(c.right, t[k + 1]);
      if (l2 && r2) set(c.both, both_bit(t[k - 2], t[k + 1]));
    }
  }
}

}  // namespace epubtok::tokenizers::bpe
