#include "server/http_server.h"

#include <atomic>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_set>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "server/multipart.h"
#include "server/sse.h"

namespace epubtok::server {
namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

class Session;

// Hands job events to the SSE sessions of one io_context. The job runner
// calls on_event() once per subscriber in a row; posting a handler per
// subscriber would cost an allocation, a scheduler lock and often a
// thread wake-up each (the fan-out's cost at 1,000 subscribers). Instead
// deliveries collect here and one handler per burst drains them on the
// context's thread.
class FanOutHub {
 public:
  explicit FanOutHub(net::io_context& ioc) : ioc_(ioc) {}

  struct Delivery {
    std::shared_ptr<Session> session;
    std::shared_ptr<const std::string> frame;
    bool terminal;
  };

  // Any thread.
  void enqueue(Delivery delivery);

 private:
  void drain();

  net::io_context& ioc_;
  std::mutex mutex_;
  std::vector<Delivery> pending_;
  std::vector<Delivery> draining_;  // context thread only
  bool scheduled_ = false;
};

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

  void add(const std::shared_ptr<Session>& s) {
    std::lock_guard lock(mutex_);
    sessions_.insert(s.get());
  }
  void remove(Session* s) {
    std::lock_guard lock(mutex_);
    sessions_.erase(s);
  }

  ApiContext ctx_;
  std::vector<std::unique_ptr<net::io_context>> contexts_;
  std::vector<std::unique_ptr<FanOutHub>> hubs_;  // one per context, same index
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards_;
  std::optional<tcp::acceptor> acceptor_;
  size_t next_context_ = 0;  // accept handler only (context 0's thread)
  std::mutex mutex_;
  std::unordered_set<Session*> sessions_;
  std::atomic<bool> stopped_{false};
};

namespace {

// Delivers job events to one SSE session. Runs on the job runner's thread
// with the JobManager lock held, so it only counts and hands the frame
// (formatted once per event, shared by all subscribers) to the session's
// hub: the session's own thread does the writing. `pending` bounds the events in
// flight; past the limit the subscriber is dropped and its connection
// closed (the client reconnects with Last-Event-ID and replays from the
// log), so a reader that stalls can never slow the job or anyone else.
class SseSink : public jobs::EventSink {
 public:
  SseSink(std::weak_ptr<Session> session, FanOutHub& hub, size_t limit, bool global)
      : session_(std::move(session)), hub_(hub), limit_(limit), global_(global) {}
  bool on_event(const std::shared_ptr<const jobs::JobEvent>& event) override;

  std::atomic<size_t> pending{0};

 private:
  std::weak_ptr<Session> session_;
  FanOutHub& hub_;
  size_t limit_;
  bool global_;
};

}  // namespace

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServer::Impl& server, FanOutHub& hub)
      : stream_(std::move(socket)), server_(server), ctx_(server.ctx_), hub_(hub), heartbeat_(stream_.get_executor()) {}

  ~Session() {
    if (token_) ctx_.jobs->unsubscribe(token_);
    if (pending_upload_) ctx_.uploads->abandon(*pending_upload_);
    server_.remove(this);
  }

  void start() {
    beast::error_code ec;
    stream_.socket().set_option(tcp::no_delay(true), ec);
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

  // Safe from any thread.
  void close_async() {
    net::post(stream_.get_executor(), [self = shared_from_this()] { self->close(); });
  }

  using Frame = std::shared_ptr<const std::string>;

  // On the session's thread: queue one SSE frame.
  void push_frame(Frame frame) {
    if (closed_) return;
    frames_.push_back(std::move(frame));
    write_frames();
  }

  // On the session's thread: queue one event's frame without writing it;
  // flush_sse() then sends everything queued in one write. The hub queues
  // every event of a burst first (a book and the progress event committed
  // with it), so a subscriber costs one send per burst, not one per event.
  void queue_sse_event(const Frame& frame, bool terminal) {
    if (closed_) return;
    ++frames_from_events_;
    if (terminal) close_after_flush_ = true;
    frames_.push_back(frame);
  }
  void flush_sse() { write_frames(); }

  net::any_io_executor executor() { return stream_.get_executor(); }

 private:
  const ServerOptions& opts() const { return *ctx_.options; }

  void read_header() {
    header_parser_.emplace();
    header_parser_->header_limit(opts().max_header_bytes);
    // The body limit depends on the endpoint; it is set once the header is
    // known (a limit here would fail the header read itself).
    header_parser_->body_limit(boost::none);
    // The first request must arrive within the slow-loris window; later
    // ones on a keep-alive connection may idle longer.
    stream_.expires_after(requests_ == 0 ? opts().header_timeout : opts().idle_timeout);
    http::async_read_header(stream_, buffer_, *header_parser_,
                            [self = shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
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
    // Later requests get the (longer) idle window; this one must finish
    // its header within the slow-loris window.
    auto& header = header_parser_->get();
    if (auto refused = check_host(header, ctx_)) {
      refused->keep_alive(false);
      return send(std::move(*refused));
    }
    auto target = parse_target(header.target());
    if (target && target->path == "/api/uploads" && header.method() == http::verb::post) return start_upload();

    string_parser_.emplace(std::move(*header_parser_));
    header_parser_.reset();
    bool validate = target && target->path == "/api/results/validate";
    const uint64_t limit = validate ? opts().max_validate_bytes : opts().max_body_bytes;
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

  // Answers "Expect: 100-continue" (curl sends it for large bodies), then
  // reads the body.
  template <typename Header, typename Next>
  void continue_if_expected(const Header& header, Next next) {
    if (!beast::iequals(header[http::field::expect], "100-continue")) return next();
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    net::async_write(stream_, net::buffer(kContinue),
                     [self = shared_from_this(), next](beast::error_code ec, size_t) {
                       if (ec) return self->close();
                       next();
                     });
  }

  void on_body(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      return send_error(http::status::payload_too_large, "the request body exceeds the limit");
    }
    if (ec) return close();
    Request request = string_parser_->release();
    string_parser_.reset();
    head_ = request.method() == http::verb::head;
    RouteResult result = route(request, ctx_);
    if (result.sse) return start_sse(std::move(result.response), *result.sse, request.version());
    send(std::move(result.response));
  }

  void start_upload() {
    auto& header = header_parser_->get();
    std::optional<uint64_t> length;
    if (auto n = header_parser_->content_length()) length = *n;
    bool multipart = multipart_boundary(header[http::field::content_type]).has_value();
    auto pending = ctx_.uploads->begin(length, multipart);
    if (!pending) {
      return send_error(http::status::payload_too_large,
                        "the upload exceeds the per-file limit (" +
                            std::to_string(ctx_.uploads->limits().max_file_bytes >> 20) + " MB) or the space left in the upload area");
    }
    pending_upload_ = std::move(*pending);
    upload_parser_.emplace(std::move(*header_parser_));
    header_parser_.reset();
    upload_parser_->body_limit(pending_upload_->body_limit);
    beast::error_code ec;
    upload_parser_->get().body().open(pending_upload_->temp.c_str(), beast::file_mode::write, ec);
    if (ec) {
      ctx_.uploads->abandon(*pending_upload_);
      pending_upload_.reset();
      return send_error(http::status::internal_server_error, "cannot write to the upload area");
    }
    stream_.expires_after(opts().body_timeout);
    continue_if_expected(upload_parser_->get(), [self = shared_from_this()] {
      http::async_read(self->stream_, self->buffer_, *self->upload_parser_,
                       [self](beast::error_code ec, size_t) { self->on_upload(ec); });
    });
  }

  void on_upload(beast::error_code ec) {
    auto& message = upload_parser_->get();
    beast::error_code close_ec;
    message.body().close();
    if (ec) {
      ctx_.uploads->abandon(*pending_upload_);
      pending_upload_.reset();
      if (ec == http::error::body_limit) {
        return send_error(http::status::payload_too_large, "the upload exceeds the limit");
      }
      return close();
    }
    http::request_header<> header = message.base();
    Response response = finish_upload(header, *pending_upload_, ctx_);
    pending_upload_.reset();
    upload_parser_.reset();
    send(std::move(response));
  }

  void send_error(http::status status, std::string message) {
    http::request_header<> header;
    header.version(11);
    Response res = error_response(header, status == http::status::payload_too_large ||
                                                  status == http::status::request_header_fields_too_large
                                              ? ErrorCode::kPayloadTooLarge
                                              : ErrorCode::kInvalidArgument,
                                  std::move(message), nullptr, status);
    // The rest of the request was not read: the connection cannot be reused.
    res.keep_alive(false);
    send(std::move(res));
  }

  void send(Response response) {
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

  // Closing a socket with unread request bytes makes the kernel send a
  // reset, which can destroy the response before the client reads it (e.g.
  // a 413 for a body we refused to read). So: half-close, then discard
  // what the client still sends, for a bounded time and amount.
  void linger_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(std::chrono::seconds(2));
    drain_budget_ = 64ull << 20;
    drain();
  }
  void drain() {
    stream_.async_read_some(net::buffer(drain_buf_), [self = shared_from_this()](beast::error_code ec, size_t n) {
      if (ec || n >= self->drain_budget_) return self->close();
      self->drain_budget_ -= n;
      self->drain();
    });
  }

  void start_sse(Response head, const SseTarget& target, unsigned version);

  void write_frames() {
    if (writing_ || closed_) return;
    if (frames_.empty()) {
      if (close_after_flush_) close();
      return;
    }
    // Everything queued goes out in one gathered write; at most one write
    // is in flight. Frames are shared by all subscribers of an event.
    writing_now_.assign(frames_.begin(), frames_.end());
    frames_.clear();
    out_buffers_.clear();
    size_t bytes = 0;
    for (const auto& f : writing_now_) {
      out_buffers_.emplace_back(f->data(), f->size());
      bytes += f->size();
    }
    size_t events = std::min(frames_from_events_, writing_now_.size());
    frames_from_events_ -= events;
    // Usually the socket has room: one non-blocking send and done, with no
    // asynchronous operation to set up and complete (half the cost of a
    // delivery at high fan-out). The socket is in non-blocking mode
    // (start_sse), so a full buffer answers would_block instead of waiting;
    // then the rest goes out asynchronously.
    beast::error_code ec;
    size_t sent = stream_.socket().write_some(out_buffers_, ec);
    if (ec && ec != net::error::would_block && ec != net::error::try_again) return close();
    if (ec) sent = 0;
    if (sent == bytes) {
      writing_now_.clear();
      if (sink_) sink_->pending -= std::min<size_t>(events, sink_->pending);
      if (close_after_flush_ && frames_.empty()) close();
      return;
    }
    // Drop what was sent from the front of the buffer sequence.
    size_t skip = sent;
    size_t first = 0;
    while (first < out_buffers_.size() && skip >= out_buffers_[first].size()) skip -= out_buffers_[first++].size();
    out_buffers_.erase(out_buffers_.begin(), out_buffers_.begin() + static_cast<std::ptrdiff_t>(first));
    if (!out_buffers_.empty()) out_buffers_.front() += skip;
    writing_ = true;
    net::async_write(stream_.socket(), out_buffers_,
                     [self = shared_from_this(), events](beast::error_code ec, size_t) {
                       self->writing_ = false;
                       self->writing_now_.clear();
                       if (self->sink_) self->sink_->pending -= std::min<size_t>(events, self->sink_->pending);
                       if (ec) return self->close();
                       self->write_frames();
                     });
  }

  void schedule_heartbeat() {
    heartbeat_.expires_after(opts().heartbeat);
    heartbeat_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->closed_) return;
      static const Frame heartbeat = std::make_shared<const std::string>(kSseHeartbeat);
      self->push_frame(heartbeat);
      self->schedule_heartbeat();
    });
  }

  // An SSE client sends nothing after its request; a completed read means
  // it went away (EOF) — or misbehaved — either way the stream ends.
  void watch_for_disconnect() {
    stream_.socket().async_read_some(net::buffer(watch_byte_), [self = shared_from_this()](beast::error_code, size_t) {
      self->close();
    });
  }

 public:
  void close() {
    if (closed_) return;
    closed_ = true;
    if (token_) {
      ctx_.jobs->unsubscribe(token_);
      token_ = 0;
    }
    heartbeat_.cancel();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

 private:
  beast::tcp_stream stream_;
  HttpServer::Impl& server_;
  const ApiContext& ctx_;
  FanOutHub& hub_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> header_parser_;
  std::optional<http::request_parser<http::string_body>> string_parser_;
  std::optional<http::request_parser<http::file_body>> upload_parser_;
  std::optional<UploadArea::Pending> pending_upload_;
  size_t requests_ = 0;
  bool head_ = false;
  bool closed_ = false;

  // SSE state (the session's thread only).
  std::shared_ptr<SseSink> sink_;
  uint64_t token_ = 0;
  std::deque<Frame> frames_;
  std::vector<Frame> writing_now_;
  std::vector<net::const_buffer> out_buffers_;
  size_t frames_from_events_ = 0;
  bool writing_ = false;
  bool close_after_flush_ = false;
  net::steady_timer heartbeat_;
  char watch_byte_[1];
  char drain_buf_[16384];
  uint64_t drain_budget_ = 0;
};

namespace {

bool SseSink::on_event(const std::shared_ptr<const jobs::JobEvent>& event) {
  auto session = session_.lock();
  if (!session) return false;
  if (pending.fetch_add(1) + 1 > limit_) {
    session->close_async();
    return false;
  }
  // on_event runs for every subscriber of an event in a row, on one thread:
  // format the frame once and share it.
  // Holding the event itself (not its address) rules out a stale match.
  thread_local std::shared_ptr<const jobs::JobEvent> last_event;
  thread_local bool last_global = false;
  thread_local std::shared_ptr<const std::string> last_frame;
  if (last_event != event || last_global != global_ || !last_frame) {
    last_frame = std::make_shared<const std::string>(global_ ? sse_global_frame(*event) : sse_job_frame(*event));
    last_event = event;
    last_global = global_;
  }
  // The session reference moves into the hub: if it were the last one and
  // died here, ~Session would call back into the JobManager whose lock this
  // thread holds (a self-deadlock seen at shutdown).
  hub_.enqueue({std::move(session), last_frame, !global_ && event->is_terminal()});
  return true;
}

}  // namespace

void FanOutHub::enqueue(Delivery delivery) {
  bool post = false;
  {
    std::lock_guard lock(mutex_);
    pending_.push_back(std::move(delivery));
    post = !scheduled_;
    scheduled_ = true;
  }
  if (post) net::post(ioc_, [this] { drain(); });
}

void FanOutHub::drain() {
  {
    std::lock_guard lock(mutex_);
    draining_.swap(pending_);
    scheduled_ = false;
  }
  // In order: a session's frames keep the order their events were emitted.
  // Queue all, then write: a session with several events in this burst
  // sends them in one gathered write (flush is a no-op once its queue is
  // empty or while a write is in flight).
  for (auto& d : draining_) d.session->queue_sse_event(d.frame, d.terminal);
  for (auto& d : draining_) d.session->flush_sse();
  // Sessions may die here (their last reference): outside the hub's lock.
  draining_.clear();
}

void Session::start_sse(Response head, const SseTarget& target, unsigned version) {
  const bool global = target.job_id.empty();
  sink_ = std::make_shared<SseSink>(weak_from_this(), hub_, opts().sse_queue_limit, global);
  auto sub = global ? ctx_.jobs->subscribe_all(target.last_event_id, sink_)
                    : ctx_.jobs->subscribe(target.job_id, target.last_event_id, sink_);
  if (!sub) {
    http::request_header<> header;
    header.version(version);
    Response res = error_response(header, sub.status().code(), sub.status().message());
    res.keep_alive(false);
    return send(std::move(res));
  }
  token_ = sub->token;
  if (sub->earliest) head.set("Last-Event-ID", "earliest");
  // The head is written by hand: the body has no length (it ends when the
  // connection closes), and each frame must go out as soon as it exists.
  std::string text = "HTTP/1.1 200 OK\r\n";
  for (const auto& field : head.base()) {
    text += field.name_string();
    text += ": ";
    text += field.value();
    text += "\r\n";
  }
  text += "\r\n";
  text += kSseRetry;
  frames_.push_back(std::make_shared<const std::string>(std::move(text)));
  for (const auto& event : sub->replay) {
    frames_.push_back(std::make_shared<const std::string>(global ? sse_global_frame(event) : sse_job_frame(event)));
  }
  if (sub->finished) close_after_flush_ = true;
  stream_.expires_never();
  beast::error_code ec;
  stream_.socket().non_blocking(true, ec);  // for write_frames()' direct sends
  write_frames();
  schedule_heartbeat();
  watch_for_disconnect();
}

void HttpServer::Impl::accept() {
  size_t index = next_context_;
  next_context_ = (next_context_ + 1) % contexts_.size();
  acceptor_->async_accept(*contexts_[index], [this, index](beast::error_code ec, tcp::socket socket) {
    if (stopped_) return;
    if (!ec) {
      auto session = std::make_shared<Session>(std::move(socket), *this, *hubs_[index]);
      add(session);
      session->start();
    }
    accept();
  });
}

void HttpServer::Impl::stop() {
  if (stopped_.exchange(true)) return;
  net::post(*contexts_[0], [this] {
    beast::error_code ec;
    acceptor_->close(ec);
    // Sessions are kept alive by their pending operations; closing their
    // sockets makes those complete and the sessions go away. A session whose
    // operations finish meanwhile may lose its last reference in this loop,
    // and ~Session takes mutex_, so the references are taken under the lock
    // but used and dropped outside it (holding it here deadlocked shutdown).
    std::vector<std::shared_ptr<Session>> all;
    {
      std::lock_guard lock(mutex_);
      all.reserve(sessions_.size());
      for (Session* s : sessions_) {
        if (auto self = s->weak_from_this().lock()) all.push_back(std::move(self));
      }
    }
    for (const auto& session : all) session->close_async();
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
