// HttpSession: one HTTP/1.1 connection. It reads a request header (with
// size limits and a slow-loris timeout), looks the endpoint up in the route
// table (routes.h) and then, by the route's kind:
//   plain  — reads the body up to the route's limit, routes it, writes the
//            response, and reads the next request (keep-alive);
//   upload — streams the body to disk through an UploadReceiver;
//   SSE    — routes the request and, once the router accepts it, hands the
//            socket to an SseStream and ends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "server/connection.h"
#include "server/router.h"
#include "server/sse_stream.h"
#include "server/upload_receiver.h"

namespace epubtok::server {

class HttpSession : public Connection, public std::enable_shared_from_this<HttpSession> {
 public:
  // `ctx`, `hub` (its io_context's) and `connections` must outlive it.
  HttpSession(boost::asio::ip::tcp::socket socket, const ApiContext& ctx, FanOutHub& hub, ConnectionSet& connections);
  ~HttpSession() override;

  // Starts reading the first request.
  void start();
  void close_async() override;
  std::shared_ptr<Connection> lock() override { return weak_from_this().lock(); }

 private:
  const ServerOptions& opts() const { return *ctx_.options; }

  void read_header();
  void on_header(boost::beast::error_code ec);
  void on_body(boost::beast::error_code ec);
  void start_upload();
  void on_upload(boost::beast::error_code ec);
  // Answers "Expect: 100-continue" (curl sends it for large bodies), then
  // calls `next` to read the body.
  template <typename Header, typename Next>
  void continue_if_expected(const Header& header, Next next);
  // Answers with the common error body and closes: the rest of the request
  // was not read, so the connection cannot be reused.
  void send_error(http::status status, std::string message);
  // Writes `response` (headers only for HEAD), then reads the next request
  // or, without keep-alive, closes.
  void send(Response response);
  // Closing a socket with unread request bytes makes the kernel send a
  // reset, which can destroy the response before the client reads it (e.g.
  // a 413 for a body we refused to read). So: half-close, then discard what
  // the client still sends, for kLingerTime and kLingerBytes at most.
  void linger_close();
  void drain();
  void close();

  static constexpr std::chrono::seconds kLingerTime{2};
  static constexpr uint64_t kLingerBytes = 64ull << 20;

  boost::beast::tcp_stream stream_;
  boost::asio::any_io_executor executor_;  // stream_'s; still valid once the stream is handed over
  const ApiContext& ctx_;
  FanOutHub& hub_;
  ConnectionSet& connections_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> header_parser_;
  std::optional<http::request_parser<http::string_body>> string_parser_;
  std::optional<UploadReceiver> upload_;
  size_t requests_ = 0;
  bool head_ = false;
  bool closed_ = false;  // or handed over to an SseStream
  char drain_buf_[16384];
  uint64_t drain_budget_ = 0;
};

}  // namespace epubtok::server
