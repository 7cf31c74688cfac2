// The tokenizer registry: turns a user-supplied name ("gpt-4", "o200k_base",
// "llama-3", "hf:org/name") into a loaded, shared Tokenizer.
//
// Engines plug in as TokenizerProviders; the registry itself knows no engine.
// Loaded tokenizers are cached by canonical id for the life of the process.
// All Registry member functions are thread-safe.
#pragma once

#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "tokenizers/tokenizer.h"

namespace epubtok::tokenizers {

// A source of tokenizers: the tiktoken encodings, the HF engine, …
// Implementations must be thread-safe.
class TokenizerProvider {
 public:
  virtual ~TokenizerProvider() = default;

  // The canonical id for `name` (an id or an alias) if this provider owns it,
  // else nullopt. Must not do I/O beyond cheap checks.
  virtual std::optional<std::string> resolve(std::string_view name) const = 0;

  // Loads the tokenizer with canonical id `id` (as returned by resolve()).
  // Errors: VOCAB_MISSING / VOCAB_CORRUPT / TOKENIZER_JSON_INVALID / … with a
  // message naming the file and the command that fixes it.
  virtual Result<std::shared_ptr<const Tokenizer>> load(const std::string& id) const = 0;

  // What `epubtok models` lists for this provider. Does not load vocabularies.
  virtual std::vector<TokenizerInfo> list() const = 0;
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The process-wide registry with every built-in provider registered.
  static Registry& global();

  void add_provider(std::unique_ptr<TokenizerProvider> provider);

  // Canonical id for an id or alias; UNKNOWN_TOKENIZER (message lists the
  // valid ids) when no provider claims it. Case-insensitive for built-ins.
  Result<std::string> canonical_id(std::string_view name) const;

  // The loaded tokenizer for an id or alias, loading it on first use. Later
  // calls return the same instance. Concurrent first calls for one id load
  // it once; different ids load in parallel. A failed load is not cached.
  Result<std::shared_ptr<const Tokenizer>> get(std::string_view name);

  // Every tokenizer the providers list, in provider order.
  std::vector<TokenizerInfo> list() const;

  // What is known about `name` without loading anything: the info of the
  // loaded tokenizer, else of the listed one with that canonical id, else
  // nullopt (unknown, or e.g. an hf: file never loaded in this process).
  std::optional<TokenizerInfo> describe(std::string_view name) const;

 private:
  std::vector<std::unique_ptr<TokenizerProvider>> providers_;
  using Loaded = Result<std::shared_ptr<const Tokenizer>>;
  mutable std::mutex mutex_;  // guards providers_ and loaded_, never held during a load
  std::unordered_map<std::string, std::shared_future<Loaded>> loaded_;  // by canonical id
};

}  // namespace epubtok::tokenizers
