// FakeAnthropic: a stand-in for Anthropic's token-counting endpoint on
// 127.0.0.1 (an ephemeral port), for tests that must never reach the real
// service. It follows the documented shapes:
//
//   POST /v1/messages/count_tokens
//     headers  x-api-key, anthropic-version, content-type: application/json
//     body     {"model": "...", "messages": [{"role": "user", "content": "..." | [{"type":"text","text":"..."}]}]}
//   200        {"input_tokens": N}                     with a request-id header
//   4xx/5xx    {"type":"error","error":{"type":"...","message":"..."},"request_id":"..."}
//
// 401 authentication_error for a wrong key, 400 invalid_request_error for a
// missing anthropic-version, a malformed body or an empty text, 404
// not_found_error for a model it does not know, 400 "prompt is too long: N
// tokens > M maximum" over max_prompt_tokens, 413 request_too_large over
// max_body_bytes. Scripted replies (push_reply) come first, in order.
//
// Its token count is fake_text_tokens(text) + the model's framing overhead:
// a maximal run of ASCII letters and digits is one token, every other
// non-space code point is one token, white space is free. So one letter is
// one token, as the real tokenizers count it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace epubtok::testing {

struct FakeAnthropicOptions {
  std::string api_key = "sk-ant-test-key";
  // Framing overhead per model; a model not listed gets 404 not_found_error.
  std::map<std::string, uint64_t> models = {{"claude-sonnet-4-5", 7}, {"claude-opus-4-7", 9}, {"claude-haiku-4-5", 7}};
  uint64_t max_prompt_tokens = 200'000;
  size_t max_body_bytes = 32u << 20;
};

struct RecordedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

struct ScriptedReply {
  int status = 200;
  std::string body;
  std::map<std::string, std::string> headers;
  std::chrono::milliseconds delay{0};  // before answering
};

uint64_t fake_text_tokens(std::string_view text);

class FakeAnthropic {
 public:
  explicit FakeAnthropic(FakeAnthropicOptions options = {});
  ~FakeAnthropic();  // stops: open connections are shut down, threads joined
  FakeAnthropic(const FakeAnthropic&) = delete;
  FakeAnthropic& operator=(const FakeAnthropic&) = delete;

  uint16_t port() const { return port_; }
  std::string base_url() const;  // http://127.0.0.1:PORT

  // The next request gets this reply instead of the normal one.
  void push_reply(ScriptedReply reply);
  // Every normal (unscripted) answer waits this long first.
  void set_delay(std::chrono::milliseconds delay);

  std::vector<RecordedRequest> requests() const;
  size_t request_count() const;
  // Requests being handled right now, and the most at any one time.
  int in_flight() const { return in_flight_.load(); }
  int max_in_flight() const { return max_in_flight_.load(); }

 private:
  struct Impl;
  void serve(int fd);
  ScriptedReply answer(const RecordedRequest& request);

  FakeAnthropicOptions options_;
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
  mutable std::mutex mutex_;  // guards the members below
  std::deque<ScriptedReply> script_;
  std::chrono::milliseconds delay_{0};
  std::vector<RecordedRequest> requests_;
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_in_flight_{0};
  std::atomic<uint64_t> next_id_{1};
};

}  // namespace epubtok::testing
