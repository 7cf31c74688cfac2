#include "tokenizers/registry.h"

#include <algorithm>
#include <chrono>

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
  return Status(ErrorCode::kUnknownTokenizer, "unknown tokenizer '" + std::string(name) + "'; valid ids: " + valid +
                                                  ", or hf:ORG/NAME, hf:/path/to/tokenizer.json");
}

Result<std::shared_ptr<const Tokenizer>> Registry::get(std::string_view name) {
  Result<std::string> id = canonical_id(name);
  if (!id) return id.status();

  // The first caller for an id loads it outside the lock and publishes the
  // result through a shared future; later callers wait on that future. A
  // vocabulary takes up to a second to load, so `count -t a,b,c` loads its
  // tokenizers on several threads at once.
  std::promise<Loaded> promise;
  std::shared_future<Loaded> future;
  {
    std::lock_guard lock(mutex_);
    if (auto it = loaded_.find(*id); it != loaded_.end()) {
      future = it->second;
    } else {
      loaded_.emplace(*id, promise.get_future().share());
    }
  }
  if (future.valid()) return future.get();  // loaded, or being loaded by another thread

  Loaded loaded = Status(ErrorCode::kInternal, "no provider loads tokenizer '" + *id + "'");
  const TokenizerProvider* owner = nullptr;
  {
    std::lock_guard lock(mutex_);
    for (const auto& provider : providers_) {
      if (provider->resolve(*id)) {
        owner = provider.get();
        break;
      }
    }
  }
  if (owner) {
    try {
      loaded = owner->load(*id);
    } catch (const std::exception& e) {  // providers report errors as Status; this is a last resort
      loaded = Status(ErrorCode::kInternal, "loading tokenizer '" + *id + "' failed: " + e.what());
    }
  }
  if (!loaded) {
    std::lock_guard lock(mutex_);
    loaded_.erase(*id);  // let a later call try again (e.g. after fetch-vocab)
  }
  promise.set_value(loaded);
  return loaded;
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

std::optional<TokenizerInfo> Registry::describe(std::string_view name) const {
  Result<std::string> id = canonical_id(name);
  if (!id) return std::nullopt;
  {
    std::lock_guard lock(mutex_);
    if (auto it = loaded_.find(*id);
        it != loaded_.end() && it->second.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
      const Loaded& loaded = it->second.get();
      if (loaded) return (*loaded)->info();
    }
  }
  for (TokenizerInfo& info : list()) {
    if (info.id == *id) return std::move(info);
  }
  return std::nullopt;
}

}  // namespace epubtok::tokenizers
