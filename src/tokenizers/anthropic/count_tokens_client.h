// A client for Anthropic's token-counting endpoint,
// POST {base_url}/v1/messages/count_tokens, over libcurl.
//
// One call sends one request body {"model": M, "messages": [{"role": "user",
// "content": TEXT}]} and reads {"input_tokens": N} back. Rate limiting (429)
// and overload (529) are retried here; every other failure is returned to the
// caller as a value.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace epubtok::tokenizers::anthropic {

// The API version every request names in its `anthropic-version` header, as
// Anthropic's documentation requires.
inline constexpr const char* kAnthropicVersion = "2023-06-01";
inline constexpr const char* kDefaultBaseUrl = "https://api.anthropic.com";

struct ClientOptions {
  // Default $ANTHROPIC_BASE_URL, else https://api.anthropic.com. No trailing slash.
  std::string base_url = kDefaultBaseUrl;
  // Default $ANTHROPIC_API_KEY. Sent as the `x-api-key` header.
  std::string api_key;
  // Whole-request timeout (connect, send, wait, receive). Default 60 s.
  long timeout_ms = 60'000;
  // Attempts after the first one for 429 and 529 answers. Default 6.
  int max_retries = 6;
  // Backoff when the answer names no retry-after: attempt k (0-based) waits a
  // random time in [d/2, d] with d = min(backoff_max_ms, backoff_initial_ms·2^k).
  long backoff_initial_ms = 1'000;
  long backoff_max_ms = 60'000;
  // Longest retry-after honoured; a longer one is waited for this long.
  long retry_after_max_ms = 120'000;
};

// The options above from the environment. api_key is empty when
// ANTHROPIC_API_KEY is unset.
ClientOptions client_options_from_env();

struct CountReply {
  enum class Kind {
    kOk,        // input_tokens is set
    kTooLarge,  // 413 request_too_large, or 400 "prompt is too long": a smaller text may succeed
    kFailed,    // error holds API_ERROR / API_RATE_LIMITED / CANCELLED
  };
  Kind kind = Kind::kFailed;
  uint64_t input_tokens = 0;
  Status error;
  int attempts = 0;  // requests made, retries included
};

// Counts the tokens of one user message with content `text` under `model`.
// Retries 429/529 answers honouring `retry-after` (seconds) or
// `retry-after-ms`, else exponential backoff with jitter, at most
// options.max_retries times, then fails with API_RATE_LIMITED. Any other
// non-200 answer is API_ERROR with Anthropic's error type and message and
// the HTTP status; so are timeouts and network failures. When *cancel
// becomes true the request in flight is aborted within ~100 ms (also during
// a backoff wait) and the reply is CANCELLED. Thread-safe; every call uses
// its own connection.
CountReply count_message_tokens(const ClientOptions& options, std::string_view model, std::string_view text,
                                const std::atomic<bool>* cancel = nullptr);

}  // namespace epubtok::tokenizers::anthropic
