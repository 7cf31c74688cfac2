#include "tokenizers/registry.h"

#include <algorithm>

namespace epubtok::tokenizers {

void Registry::add_provider(std::unique_ptr<TokenizerProvider> provider) {
  std::lock_guard lock(mutex_);
  providers_.push_back(std::move(provider));
}

Result<std::string> Registry::canonical_id(std::string_view name) const {
  {
    std::lock_guard lock(mutex_);
    for (const auto& provider : providers_) {
      if (auto id = provider->resolve(name)) return *id;
    }
  }
  std::string valid;
  for (const TokenizerInfo& info : list()) {
    if (!valid.empty()) valid += ", ";
    valid += info.id;
  }
  return Status(ErrorCode::kUnknownTokenizer,
                "unknown tokenizer '" + std::string(name) + "'; valid ids: " + valid +
                    ", or hf:ORG/NAME, hf:/path/to/tokenizer.json");
}

Result<std::shared_ptr<const Tokenizer>> Registry::get(std::string_view name) {
  Result<std::string> id = canonical_id(name);
  if (!id) return id.status();

  // One lock around the load: a load takes at most about a second, happens
  // once per id per process, and concurrent first users want the same result.
  std::lock_guard lock(mutex_);
  if (auto it = loaded_.find(*id); it != loaded_.end()) return it->second;
  for (const auto& provider : providers_) {
    if (!provider->resolve(*id)) continue;
    Result<std::shared_ptr<const Tokenizer>> loaded = provider->load(*id);
    if (loaded) loaded_.emplace(*id, *loaded);
    return loaded;
  }
  return Status(ErrorCode::kInternal, "no provider loads tokenizer '" + *id + "'");
}

std::vector<TokenizerInfo> Registry::list() const {
  std::lock_guard lock(mutex_);
  std::vector<TokenizerInfo> all;
  for (const auto& provider : providers_) {
    std::vector<TokenizerInfo> some = provider->list();
    std::move(some.begin(), some.end(), std::back_inserter(all));
  }
  return all;
}

}  // namespace epubtok::tokenizers
