#include "server/http_session.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>

#include "server/responses.h"
#include "server/routes.h"

namespace epubtok::server {
namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

HttpSession::HttpSession(tcp::socket socket, const ApiContext& ctx, FanOutHub& hub, ConnectionSet& connections)
    : stream_(std::move(socket)), executor_(stream_.get_executor()), ctx_(ctx), hub_(hub), connections_(connections) {
  connections_.add(this);
}

HttpSession::~HttpSession() { connections_.remove(this); }

void HttpSession::start() {
  beast::error_code ec;
  stream_.socket().set_option(tcp::no_delay(true), ec);
  net::dispatch(executor_, [self = shared_from_this()] { self->read_header(); });
}

void HttpSession::close_async() {
  net::post(executor_, [self = shared_from_this()] { self->close(); });
}

void HttpSession::read_header() {
  header_parser_.emplace();
  header_parser_->header_limit(opts().max_header_bytes);
  // The body limit depends on the endpoint; it is set once the header is
  // known (a limit here would fail the header read itself).
  header_parser_->body_limit(boost::none);
  // The first request must arrive within the slow-loris window; later ones
  // on a keep-alive connection may idle longer.
  stream_.expires_after(requests_ == 0 ? opts().header_timeout : opts().idle_timeout);
  http::async_read_header(stream_, buffer_, *header_parser_,
                          [self = shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
}

void HttpSession::on_header(beast::error_code ec) {
  if (ec) {
    if (ec == http::error::body_limit) {
      return send_error(http::status::payload_too_large, "the request body exceeds the limit");
    }
    if (ec == http::error::header_limit) {
      return send_error(http::status::request_header_fields_too_large, "the request header is too large");
    }
    if (ec != http::error::end_of_stream && ec != beast::error::timeout && ec != net::error::operation_aborted) {
      return send_error(http::status::bad_request, "malformed request");
    }
    return close();
  }
  ++requests_;
  auto& header = header_parser_->get();
  if (auto refused = check_host(header, ctx_)) {
    refused->keep_alive(false);
    return send(std::move(*refused));
  }
  auto target = parse_target(header.target());
  const RouteMatch match = target ? match_route(header.method(), target->path) : RouteMatch{};
  if (match.route && match.route->kind == RouteKind::kUpload) return start_upload();

  string_parser_.emplace(std::move(*header_parser_));
  header_parser_.reset();
  const uint64_t limit = match.limit == BodyLimit::kValidate ? opts().max_validate_bytes : opts().max_body_bytes;
  // Beast checks a declared Content-Length against the limit only while
  // parsing the header, which is already done: check it here.
  if (auto declared = string_parser_->content_length(); declared && *declared > limit) {
    return send_error(http::status::payload_too_large, "the request body exceeds the limit");
  }
  string_parser_->body_limit(limit);
  stream_.expires_after(opts().body_timeout);
  continue_if_expected(string_parser_->get(), [self = shared_from_this()] {
    http::async_read(self->stream_, self->buffer_, *self->string_parser_,
                     [self](beast::error_code ec, size_t) { self->on_body(ec); });
  });
}

template <typename Header, typename Next>
void HttpSession::continue_if_expected(const Header& header, Next next) {
  if (!beast::iequals(header[http::field::expect], "100-continue")) return next();
  static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  net::async_write(stream_, net::buffer(kContinue), [self = shared_from_this(), next](beast::error_code ec, size_t) {
    if (ec) return self->close();
    next();
  });
}

void HttpSession::on_body(beast::error_code ec) {
  if (ec == http::error::body_limit) {
    return send_error(http::status::payload_too_large, "the request body exceeds the limit");
  }
  if (ec) return close();
  Request request = string_parser_->release();
  string_parser_.reset();
  head_ = request.method() == http::verb::head;
  RouteResult result = route(request, ctx_);
  if (result.sse) {
    // The connection is the stream's from now on; this session ends.
    closed_ = true;
    auto sse = std::make_shared<SseStream>(std::move(stream_), ctx_, hub_, connections_);
    sse->start(std::move(result.response), *result.sse, request.version());
    return;
  }
  send(std::move(result.response));
}

void HttpSession::start_upload() {
  upload_.emplace(ctx_);
  auto refused = upload_->begin(std::move(*header_parser_));
  header_parser_.reset();
  if (refused) {
    upload_.reset();
    return send_error(refused->status, std::move(refused->message));
  }
  stream_.expires_after(opts().body_timeout);
  continue_if_expected(upload_->parser().get(), [self = shared_from_this()] {
    http::async_read(self->stream_, self->buffer_, self->upload_->parser(),
                     [self](beast::error_code ec, size_t) { self->on_upload(ec); });
  });
}

void HttpSession::on_upload(beast::error_code ec) {
  auto outcome = upload_->finish(ec);
  upload_.reset();
  if (outcome.refusal) return send_error(outcome.refusal->status, std::move(outcome.refusal->message));
  if (!outcome.response) return close();
  send(std::move(*outcome.response));
}

void HttpSession::send_error(http::status status, std::string message) {
  http::request_header<> header;
  header.version(11);
  Response res = error_response(
      header,
      status == http::status::payload_too_large || status == http::status::request_header_fields_too_large
          ? ErrorCode::kPayloadTooLarge
          : ErrorCode::kInvalidArgument,
      std::move(message), nullptr, status);
  res.keep_alive(false);
  send(std::move(res));
}

void HttpSession::send(Response response) {
  auto res = std::make_shared<Response>(std::move(response));
  if (head_) {
    // HEAD: same headers, no body.
    auto length = res->body().size();
    res->body().clear();
    res->content_length(length);
    head_ = false;
  }
  stream_.expires_after(opts().body_timeout);
  http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, size_t) {
    if (ec) return self->close();
    if (!res->keep_alive()) return self->linger_close();
    self->read_header();
  });
}

void HttpSession::linger_close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.expires_after(kLingerTime);
  drain_budget_ = kLingerBytes;
  drain();
}

void HttpSession::drain() {
  stream_.async_read_some(net::buffer(drain_buf_), [self = shared_from_this()](beast::error_code ec, size_t n) {
    if (ec || n >= self->drain_budget_) return self->close();
    self->drain_budget_ -= n;
    self->drain();
  });
}

void HttpSession::close() {
  if (closed_) return;
  closed_ = true;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.socket().close(ec);
}

}  // namespace epubtok::server
