#include "server/http_server.h"

#include <atomic>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>

#include "server/connection.h"
#include "server/http_session.h"
#include "server/sse_stream.h"

namespace epubtok::server {
namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

class HttpServer::Impl {
 public:
  // One io_context per I/O thread, each run by exactly that thread: a
  // connection lives on one thread for its whole life, so its handlers
  // need no strand and never wake another thread, and nothing is shared
  // between the threads' schedulers. Connections are dealt round-robin.
  explicit Impl(ApiContext ctx) : ctx_(std::move(ctx)) {
    int n = std::max(1, ctx_.options->io_threads);
    for (int i = 0; i < n; ++i) {
      contexts_.push_back(std::make_unique<net::io_context>(1));
      hubs_.push_back(std::make_unique<FanOutHub>(*contexts_.back()));
      guards_.emplace_back(net::make_work_guard(*contexts_.back()));
    }
    acceptor_.emplace(*contexts_[0]);
  }

  Status bind() {
    boost::system::error_code ec;
    auto address = net::ip::make_address(ctx_.options->host, ec);
    if (ec) {
      // A name such as "localhost": resolve it.
      tcp::resolver resolver(*contexts_[0]);
      auto results = resolver.resolve(ctx_.options->host, std::to_string(ctx_.options->port), ec);
      if (ec || results.empty()) {
        return Status(ErrorCode::kInvalidArgument, "cannot resolve host '" + ctx_.options->host + "'");
      }
      address = results.begin()->endpoint().address();
    }
    tcp::endpoint endpoint(address, ctx_.options->port);
    acceptor_->open(endpoint.protocol(), ec);
    if (!ec) acceptor_->set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_->bind(endpoint, ec);
    if (!ec) acceptor_->listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status(ErrorCode::kIoError, "cannot listen on " + ctx_.options->host + ":" +
                                             std::to_string(ctx_.options->port) + ": " + ec.message());
    }
    ctx_.port = acceptor_->local_endpoint().port();
    return Status();
  }

  void accept();
  void run() {
    accept();
    std::vector<std::thread> threads;
    for (size_t i = 1; i < contexts_.size(); ++i) threads.emplace_back([this, i] { contexts_[i]->run(); });
    contexts_[0]->run();
    for (auto& t : threads) t.join();
  }
  void stop();

  ApiContext ctx_;
  std::vector<std::unique_ptr<net::io_context>> contexts_;
  std::vector<std::unique_ptr<FanOutHub>> hubs_;  // one per context, same index
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards_;
  std::optional<tcp::acceptor> acceptor_;
  size_t next_context_ = 0;  // accept handler only (context 0's thread)
  ConnectionSet connections_;
  std::atomic<bool> stopped_{false};
};

void HttpServer::Impl::accept() {
  size_t index = next_context_;
  next_context_ = (next_context_ + 1) % contexts_.size();
  acceptor_->async_accept(*contexts_[index], [this, index](beast::error_code ec, tcp::socket socket) {
    if (stopped_) return;
    if (!ec) {
      std::make_shared<HttpSession>(std::move(socket), ctx_, *hubs_[index], connections_)->start();
    }
    accept();
  });
}

void HttpServer::Impl::stop() {
  if (stopped_.exchange(true)) return;
  net::post(*contexts_[0], [this] {
    beast::error_code ec;
    acceptor_->close(ec);
    // Connections are kept alive by their pending operations; closing
    // their sockets makes those complete and the connections go away.
    connections_.close_all();
  });
  // Give sessions a moment to close, then end the loops regardless.
  auto timer = std::make_shared<net::steady_timer>(*contexts_[0], std::chrono::milliseconds(200));
  timer->async_wait([this, timer](beast::error_code) {
    for (auto& c : contexts_) c->stop();
  });
}

Result<std::unique_ptr<HttpServer>> HttpServer::create(ApiContext ctx) {
  auto impl = std::make_unique<Impl>(std::move(ctx));
  if (Status s = impl->bind(); !s) return s;
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() = default;
uint16_t HttpServer::port() const { return impl_->ctx_.port; }
void HttpServer::run() { impl_->run(); }
void HttpServer::stop() { impl_->stop(); }

}  // namespace epubtok::server
