#include "tokenizers/hf/piece_cache.h"

#include <atomic>

namespace epubtok::tokenizers::hf {

uint64_t new_cache_serial() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1);
}

}  // namespace epubtok::tokenizers::hf
