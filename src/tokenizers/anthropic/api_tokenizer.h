// Claude through Anthropic's token-counting API: the tokenizer ids
// `claude-api:MODEL` (for example `claude-api:claude-sonnet-4-5`), plus the
// family aliases `claude-api:opus`, `claude-api:sonnet`, `claude-api:haiku`.
//
// What a count means. Each text (a chapter) is sent as the content of one
// user message, and Anthropic answers the message's `input_tokens`. That
// includes a fixed framing overhead (the role markers around any message),
// which is measured once per model as input_tokens("x") − 1 (a single ASCII
// letter is one token) and subtracted. So a chapter's count is the tokens of
// its text inside a message, and a book's count is the sum of its chapters'
// counts (book_count_is_chapter_sum()). A chapter the API refuses as too long
// is cut at the paragraph (line) nearest its middle, each part counted the
// same way, and the sum is marked approximate. Empty texts count 0 without a
// request; so do texts of white space only, which the API does not accept,
// and those are marked approximate.
//
// Every answer is cached (count_cache.h) by (model, SHA-256 of the text), so
// a second count of the same library sends nothing.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "tokenizers/anthropic/count_cache.h"
#include "tokenizers/anthropic/count_tokens_client.h"
#include "tokenizers/registry.h"
#include "tokenizers/tokenizer.h"

namespace epubtok::tokenizers::anthropic {

inline constexpr std::string_view kIdPrefix = "claude-api:";

// Per-process settings of the API tokenizers, from the command line.
struct ApiSettings {
  // Requests in flight at once across every book and chapter, per model.
  // Default 4, at least 1.
  int concurrency = 4;
  // Read and write the on-disk cache. Default true (--no-cache: false).
  bool use_cache = true;
  // Default default_cache_file().
  std::filesystem::path cache_file;
  // Per-request timeout. Default 60 s.
  long timeout_ms = 60'000;
};

// Replaces the settings the provider gives the API tokenizers it loads from
// now on (a tokenizer already loaded keeps its own). Thread-safe.
void set_api_settings(const ApiSettings& settings);
ApiSettings api_settings();

class ApiTokenizer final : public Tokenizer {
 public:
  // `model` is Anthropic's model id; `cache` may be null (no caching).
  ApiTokenizer(TokenizerInfo info, std::string model, ClientOptions client, std::shared_ptr<CountCache> cache,
               int concurrency);

  const TokenizerInfo& info() const override { return info_; }
  bool book_count_is_chapter_sum() const override { return true; }
  bool can_encode() const override { return false; }
  // Counts the texts with at most `concurrency` requests in flight for this
  // tokenizer (shared by every caller), cached answers first.
  std::vector<Result<TextCount>> count_each(std::span<const std::string_view> texts,
                                            const std::atomic<bool>* cancel = nullptr) const override;
  // count_each() of one text; 0 when that fails. Every caller in epubtok
  // that can report a failure uses count_each().
  uint64_t count(std::string_view text) const override;
  // Anthropic returns no token ids: always empty (can_encode() is false).
  std::vector<uint32_t> encode(std::string_view text) const override { return {}; }

  // Requests sent so far (retries included) and texts answered from the cache.
  uint64_t requests_sent() const { return requests_.load(); }
  uint64_t cache_hits() const { return cache_hits_.load(); }
  // The measured framing overhead, once known.
  std::optional<uint64_t> framing_overhead() const;

 private:
  Result<TextCount> count_one(std::string_view text, const std::atomic<bool>* cancel) const;
  // input_tokens of one message holding `text`: cache, else one request (or,
  // when too large, nullopt with too_large set).
  Result<uint64_t> message_tokens(std::string_view text, const std::atomic<bool>* cancel, bool& too_large) const;
  Result<uint64_t> overhead(const std::atomic<bool>* cancel) const;

  TokenizerInfo info_;
  std::string model_;
  ClientOptions client_;
  std::shared_ptr<CountCache> cache_;
  int concurrency_;

  // A counting semaphore of `concurrency_` request slots.
  mutable std::mutex slots_mutex_;
  mutable std::condition_variable slots_cv_;
  mutable int free_slots_;

  mutable std::mutex overhead_mutex_;  // held while measuring, so it is measured once
  mutable std::optional<uint64_t> overhead_;

  mutable std::atomic<uint64_t> requests_{0};
  mutable std::atomic<uint64_t> cache_hits_{0};
};

// The provider of `claude-api:*` ids for the registry. load() fails with
// API_KEY_MISSING when ANTHROPIC_API_KEY is not set, before anything is read.
std::unique_ptr<TokenizerProvider> make_api_provider();

}  // namespace epubtok::tokenizers::anthropic
