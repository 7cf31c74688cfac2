#include "tokenizers/anthropic/count_tokens_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <thread>

#include <boost/json.hpp>

namespace epubtok::tokenizers::anthropic {
namespace json = boost::json;
namespace {

// Anthropic's error bodies are small; anything beyond this is not one of them.
constexpr size_t kMaxResponseBytes = 1 << 20;

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  if (body->size() + size * n > kMaxResponseBytes) return 0;
  body->append(data, size * n);
  return size * n;
}

struct ReplyHeaders {
  std::string retry_after;     // seconds
  std::string retry_after_ms;  // milliseconds
  std::string request_id;
};

std::string trimmed(std::string v) {
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.pop_back();
  size_t b = 0;
  while (b < v.size() && std::isspace(static_cast<unsigned char>(v[b]))) ++b;
  return v.substr(b);
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* h = static_cast<ReplyHeaders*>(user);
  std::string line(data, size * n);
  size_t colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  std::string name = line.substr(0, colon);
  for (char& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
  std::string value = trimmed(line.substr(colon + 1));
  if (name == "retry-after") h->retry_after = value;
  if (name == "retry-after-ms") h->retry_after_ms = value;
  if (name == "request-id") h->request_id = value;
  return size * n;
}

// Aborts the transfer (CURLE_ABORTED_BY_CALLBACK) once the caller cancels;
// libcurl calls this at least once a second and far more often while data moves.
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancel = static_cast<const std::atomic<bool>*>(user);
  return cancel && cancel->load() ? 1 : 0;
}

bool cancelled(const std::atomic<bool>* cancel) { return cancel && cancel->load(); }

// Sleeps `ms`, waking every 50 ms to see whether the caller cancelled.
// Returns false when it was cancelled.
bool wait_unless_cancelled(long ms, const std::atomic<bool>* cancel) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until) {
    if (cancelled(cancel)) return false;
    auto left = until - std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(50)));
  }
  return !cancelled(cancel);
}

// The wait the server asked for, in ms; -1 when it named none (or an HTTP
// date, which the API does not send).
long requested_wait_ms(const ReplyHeaders& h) {
  auto number = [](const std::string& s) -> double {
    if (s.empty()) return -1;
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    return end && *end == '\0' && v >= 0 ? v : -1;
  };
  if (double ms = number(h.retry_after_ms); ms >= 0) return long(ms);
  if (double s = number(h.retry_after); s >= 0) return long(s * 1000);
  return -1;
}

long backoff_ms(const ClientOptions& o, int attempt) {
  double d = double(o.backoff_initial_ms) * double(1ull << std::min(attempt, 30));
  d = std::min(d, double(o.backoff_max_ms));
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(d / 2, d);
  return long(jitter(rng));
}

// "authentication_error: invalid x-api-key" from Anthropic's error body
// {"type":"error","error":{"type":…,"message":…}}, else the body itself (cut).
std::string describe_error_body(const std::string& body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (!ec && v.is_object()) {
    const json::value* err = v.as_object().if_contains("error");
    if (err && err->is_object()) {
      std::string out;
      if (const auto* t = err->as_object().if_contains("type"); t && t->is_string()) out = std::string(t->as_string());
      if (const auto* m = err->as_object().if_contains("message"); m && m->is_string()) {
        out += (out.empty() ? "" : ": ") + std::string(m->as_string());
      }
      if (!out.empty()) return out;
    }
  }
  std::string cut = body.substr(0, 200);
  return cut.empty() ? "(empty body)" : cut;
}

struct Attempt {
  CURLcode rc = CURLE_OK;
  long status = 0;
  std::string body;
  ReplyHeaders headers;
};

Attempt post_once(const ClientOptions& o, const std::string& url, const std::string& payload,
                  const std::atomic<bool>* cancel) {
  Attempt a;
  CURL* curl = curl_easy_init();
  if (!curl) {
    a.rc = CURLE_FAILED_INIT;
    return a;
  }
  struct curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, ("x-api-key: " + o.api_key).c_str());
  headers = curl_slist_append(headers, (std::string("anthropic-version: ") + kAnthropicVersion).c_str());
  headers = curl_slist_append(headers, "content-type: application/json");
  headers = curl_slist_append(headers, "accept: application/json");
  headers = curl_slist_append(headers, "user-agent: epubtok/" EPUBTOK_VERSION);
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip for large chapters
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(payload.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, o.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &a.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &a.headers);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(cancel));
  a.rc = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &a.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return a;
}

}  // namespace

ClientOptions client_options_from_env() {
  ClientOptions o;
  const char* base = std::getenv("ANTHROPIC_BASE_URL");
  if (base && *base) o.base_url = base;
  while (!o.base_url.empty() && o.base_url.back() == '/') o.base_url.pop_back();
  const char* key = std::getenv("ANTHROPIC_API_KEY");
  o.api_key = key ? key : "";
  return o;
}

CountReply count_message_tokens(const ClientOptions& options, std::string_view model, std::string_view text,
                                const std::atomic<bool>* cancel) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  const std::string url = options.base_url + "/v1/messages/count_tokens";
  json::object message{{"role", "user"}, {"content", json::string_view(text.data(), text.size())}};
  const std::string payload = json::serialize(json::object{{"model", json::string_view(model.data(), model.size())},
                                                           {"messages", json::array{std::move(message)}}});
  CountReply reply;
  auto fail = [&](ErrorCode code, std::string message) {
    reply.kind = CountReply::Kind::kFailed;
    reply.error = Status(code, std::move(message));
    return reply;
  };
  const std::string who = "Anthropic count_tokens (" + std::string(model) + ")";

  for (int attempt = 0;; ++attempt) {
    if (cancelled(cancel)) return fail(ErrorCode::kCancelled, "cancelled before " + who + " answered");
    Attempt a = post_once(options, url, payload, cancel);
    reply.attempts = attempt + 1;
    if (a.rc == CURLE_ABORTED_BY_CALLBACK) return fail(ErrorCode::kCancelled, "cancelled while waiting for " + who);
    if (a.rc == CURLE_OPERATION_TIMEDOUT) {
      char seconds[32];
      std::snprintf(seconds, sizeof seconds, "%g", double(options.timeout_ms) / 1000.0);
      return fail(ErrorCode::kApiError, who + ": no answer within " + seconds + " s (timed out)");
    }
    if (a.rc != CURLE_OK) {
      return fail(ErrorCode::kApiError, who + ": request to " + url + " failed: " + curl_easy_strerror(a.rc));
    }
    std::string request_id = a.headers.request_id.empty() ? "" : " (request-id " + a.headers.request_id + ")";
    if (a.status == 200) {
      boost::system::error_code ec;
      json::value v = json::parse(a.body, ec);
      const json::value* n = !ec && v.is_object() ? v.as_object().if_contains("input_tokens") : nullptr;
      if (!n || !(n->is_uint64() || (n->is_int64() && n->as_int64() >= 0))) {
        return fail(ErrorCode::kApiError, who + ": answer 200 without a valid input_tokens: " + a.body.substr(0, 200));
      }
      reply.kind = CountReply::Kind::kOk;
      reply.input_tokens = n->is_uint64() ? n->as_uint64() : uint64_t(n->as_int64());
      return reply;
    }
    std::string what = describe_error_body(a.body);
    if (a.status == 413 || (a.status == 400 && what.find("prompt is too long") != std::string::npos)) {
      reply.kind = CountReply::Kind::kTooLarge;
      reply.error = Status(ErrorCode::kApiError, who + ": HTTP " + std::to_string(a.status) + " " + what + request_id);
      return reply;
    }
    if (a.status == 429 || a.status == 529) {
      if (attempt >= options.max_retries) {
        return fail(ErrorCode::kApiRateLimited, who + ": HTTP " + std::to_string(a.status) + " " + what + " on all " +
                                                    std::to_string(attempt + 1) + " attempts" + request_id);
      }
      long wait = requested_wait_ms(a.headers);
      wait = wait >= 0 ? std::min(wait, options.retry_after_max_ms) : backoff_ms(options, attempt);
      if (!wait_unless_cancelled(wait, cancel))
        return fail(ErrorCode::kCancelled, "cancelled while waiting to retry " + who);
      continue;
    }
    return fail(ErrorCode::kApiError, who + ": HTTP " + std::to_string(a.status) + " " + what + request_id);
  }
}

}  // namespace epubtok::tokenizers::anthropic
