#include "tokenizers/bpe/split_filter.h"

namespace epubtok::tokenizers::bpe {

SplitFilter::SplitFilter(const std::vector<std::pair<std::string, Rank>>& tokens)
    : bits_((size_t{1} << kBits) / 64, 0) {
  for (const auto& [bytes, rank] : tokens) {
    const auto* t = reinterpret_cast<const unsigned char*>(bytes.data());
    const size_t n = bytes.size();
    // Internal boundary k: the token has k bytes left of a spanning
    // position and n - k right of it. Its window keeps up to two bytes on
    // each side; a side with one byte is the clipped shape (-1 marks the
    // absent byte), which can_split() tests separately.
    for (size_t k = 1; k < n; ++k) {
      const bool l2 = k >= 2, r2 = n - k >= 2;
      set(key(l2 ? t[k - 2] : t[k - 1], l2 ? t[k - 1] : -1, t[k], r2 ? t[k + 1] : -1));
    }
  }
}

}  // namespace epubtok::tokenizers::bpe
