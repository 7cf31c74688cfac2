#include "support/fake_anthropic.h"

#include <sys/socket.h>

#include <algorithm>
#include <condition_variable>
#include <set>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

namespace epubtok::testing {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

namespace {

std::string error_body(const std::string& type, const std::string& message, const std::string& request_id) {
  return json::serialize(json::object{
      {"type", "error"}, {"error", json::object{{"type", type}, {"message", message}}}, {"request_id", request_id}});
}

bool is_space(unsigned char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
bool is_alnum(unsigned char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

}  // namespace

uint64_t fake_text_tokens(std::string_view text) {
  uint64_t n = 0;
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (is_space(c)) {
      ++i;
    } else if (is_alnum(c)) {
      ++n;
      while (i < text.size() && is_alnum(static_cast<unsigned char>(text[i]))) ++i;
    } else {
      ++n;  // one code point
      ++i;
      while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
    }
  }
  return n;
}

struct FakeAnthropic::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::thread accept_thread;
  std::mutex mutex;  // guards the members below
  std::condition_variable stopped_cv;
  bool stopping = false;
  std::set<int> open_fds;
  std::vector<std::thread> connections;
};

FakeAnthropic::FakeAnthropic(FakeAnthropicOptions options) : options_(std::move(options)), impl_(new Impl) {
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  impl_->accept_thread = std::thread([this] {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket(impl_->io);
      impl_->acceptor.accept(socket, ec);
      std::lock_guard lock(impl_->mutex);
      if (impl_->stopping) return;
      if (ec) continue;
      int fd = socket.release();
      impl_->open_fds.insert(fd);
      impl_->connections.emplace_back([this, fd] { serve(fd); });
    }
  });
}

FakeAnthropic::~FakeAnthropic() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
    for (int fd : impl_->open_fds) ::shutdown(fd, SHUT_RDWR);
  }
  impl_->stopped_cv.notify_all();
  ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);  // wakes the blocked accept()
  impl_->accept_thread.join();
  for (auto& t : impl_->connections) t.join();
}

std::string FakeAnthropic::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void FakeAnthropic::push_reply(ScriptedReply reply) {
  std::lock_guard lock(mutex_);
  script_.push_back(std::move(reply));
}

void FakeAnthropic::set_delay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  delay_ = delay;
}

std::vector<RecordedRequest> FakeAnthropic::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

size_t FakeAnthropic::request_count() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

void FakeAnthropic::serve(int fd) {
  asio::io_context io;
  tcp::socket socket(io, tcp::v4(), fd);
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    boost::system::error_code ec;
    http::read(socket, buffer, parser, ec);
    if (ec) break;
    const auto& req = parser.get();
    RecordedRequest recorded;
    recorded.method = std::string(req.method_string());
    recorded.target = std::string(req.target());
    for (const auto& field : req) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      recorded.headers[name] = std::string(field.value());
    }
    recorded.body = req.body();
    int now = ++in_flight_;
    for (int seen = max_in_flight_.load(); now > seen && !max_in_flight_.compare_exchange_weak(seen, now);) {
    }
    ScriptedReply reply = answer(recorded);
    if (reply.delay.count() > 0) {
      std::unique_lock lock(impl_->mutex);
      impl_->stopped_cv.wait_for(lock, reply.delay, [this] { return impl_->stopping; });
    }
    --in_flight_;
    http::response<http::string_body> res{static_cast<http::status>(reply.status), 11};
    res.set(http::field::content_type, "application/json");
    for (const auto& [name, value] : reply.headers) res.set(name, value);
    res.body() = reply.body;
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    http::write(socket, res, ec);
    if (ec || !req.keep_alive()) break;
  }
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  std::lock_guard lock(impl_->mutex);
  impl_->open_fds.erase(fd);
  // The socket closes the descriptor when it goes out of scope, after the
  // destructor can no longer shut it down.
}

ScriptedReply FakeAnthropic::answer(const RecordedRequest& request) {
  std::string request_id = "req_fake_" + std::to_string(next_id_++);
  ScriptedReply reply;
  reply.headers["request-id"] = request_id;
  auto error = [&](int status, const std::string& type, const std::string& message) {
    reply.status = status;
    reply.body = error_body(type, message, request_id);
    return reply;
  };
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    if (!script_.empty()) {
      ScriptedReply scripted = std::move(script_.front());
      script_.pop_front();
      scripted.headers.emplace("request-id", request_id);
      return scripted;
    }
    reply.delay = delay_;
  }
  if (request.target != "/v1/messages/count_tokens") return error(404, "not_found_error", "Not Found");
  if (request.method != "POST") return error(405, "invalid_request_error", "Method Not Allowed");
  if (request.body.size() > options_.max_body_bytes) {
    return error(413, "request_too_large", "Request exceeds the maximum allowed number of bytes.");
  }
  auto header = [&](const char* name) {
    auto it = request.headers.find(name);
    return it == request.headers.end() ? std::string() : it->second;
  };
  if (header("x-api-key") != options_.api_key) return error(401, "authentication_error", "invalid x-api-key");
  if (header("anthropic-version").empty()) {
    return error(400, "invalid_request_error", "anthropic-version: header is required");
  }
  if (header("content-type").rfind("application/json", 0) != 0) {
    return error(400, "invalid_request_error", "content-type must be application/json");
  }
  boost::system::error_code ec;
  json::value body = json::parse(request.body, ec);
  if (ec || !body.is_object()) return error(400, "invalid_request_error", "The request body is not valid JSON.");
  const json::object& o = body.as_object();
  const json::value* model = o.if_contains("model");
  if (!model || !model->is_string()) return error(400, "invalid_request_error", "model: Field required");
  auto known = options_.models.find(std::string(model->as_string()));
  if (known == options_.models.end()) {
    return error(404, "not_found_error", "model: " + std::string(model->as_string()));
  }
  const json::value* messages = o.if_contains("messages");
  if (!messages || !messages->is_array() || messages->as_array().empty()) {
    return error(400, "invalid_request_error", "messages: Field required");
  }
  uint64_t tokens = known->second;
  for (const json::value& m : messages->as_array()) {
    const json::object* mo = m.if_object();
    const json::value* role = mo ? mo->if_contains("role") : nullptr;
    const json::value* content = mo ? mo->if_contains("content") : nullptr;
    if (!role || !role->is_string() || (role->as_string() != "user" && role->as_string() != "assistant") || !content) {
      return error(400, "invalid_request_error", "messages.0: each message needs a role and content");
    }
    std::vector<std::string_view> texts;
    if (content->is_string()) {
      texts.push_back(content->as_string());
    } else if (content->is_array()) {
      for (const json::value& block : content->as_array()) {
        const json::value* text = block.is_object() ? block.as_object().if_contains("text") : nullptr;
        if (!text || !text->is_string())
          return error(400, "invalid_request_error", "messages.0.content: text expected");
        texts.push_back(text->as_string());
      }
    } else {
      return error(400, "invalid_request_error", "messages.0.content: string or array expected");
    }
    for (std::string_view text : texts) {
      if (text.empty()) return error(400, "invalid_request_error", "messages: text content blocks must be non-empty");
      if (fake_text_tokens(text) == 0) {
        return error(400, "invalid_request_error", "messages: text content blocks must contain non-whitespace text");
      }
      tokens += fake_text_tokens(text);
    }
  }
  if (tokens > options_.max_prompt_tokens) {
    return error(400, "invalid_request_error",
                 "prompt is too long: " + std::to_string(tokens) + " tokens > " +
                     std::to_string(options_.max_prompt_tokens) + " maximum");
  }
  reply.status = 200;
  reply.body = json::serialize(json::object{{"input_tokens", tokens}});
  return reply;
}

}  // namespace epubtok::testing
