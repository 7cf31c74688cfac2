#include "server/sse_stream.h"

#include <algorithm>
#include <atomic>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "server/responses.h"
#include "server/sse.h"

namespace epubtok::server {
namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

// Delivers job events to one SSE stream. Runs on the job runner's thread
// with the JobManager lock held, so it only counts and hands the frame
// (formatted once per event, shared by all subscribers) to the stream's
// hub: the stream's own thread does the writing. `pending` bounds the
// events in flight (SseStream's comment).
class SseSink : public jobs::EventSink {
 public:
  SseSink(std::weak_ptr<SseStream> stream, FanOutHub& hub, size_t limit, bool global)
      : stream_(std::move(stream)), hub_(hub), limit_(limit), global_(global) {}
  bool on_event(const std::shared_ptr<const jobs::JobEvent>& event) override;

  std::atomic<size_t> pending{0};

 private:
  std::weak_ptr<SseStream> stream_;
  FanOutHub& hub_;
  size_t limit_;
  bool global_;
};

bool SseSink::on_event(const std::shared_ptr<const jobs::JobEvent>& event) {
  auto stream = stream_.lock();
  if (!stream) return false;
  if (pending.fetch_add(1) + 1 > limit_) {
    stream->close_async();
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
  // The stream reference moves into the hub: if it were the last one and
  // died here, ~SseStream would call back into the JobManager whose lock
  // this thread holds (a self-deadlock seen at shutdown).
  hub_.enqueue({std::move(stream), last_frame, !global_ && event->is_terminal()});
  return true;
}

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
  // In order: a stream's frames keep the order their events were emitted.
  // Queue all, then write: a stream with several events in this burst
  // sends them in one gathered write (flush is a no-op once its queue is
  // empty or while a write is in flight).
  for (auto& d : draining_) d.stream->queue_event(d.frame, d.terminal);
  for (auto& d : draining_) d.stream->flush();
  // Streams may die here (their last reference): outside the hub's lock.
  draining_.clear();
}

SseStream::SseStream(beast::tcp_stream stream, const ApiContext& ctx, FanOutHub& hub, ConnectionSet& connections)
    : stream_(std::move(stream)), ctx_(ctx), hub_(hub), connections_(connections), heartbeat_(stream_.get_executor()) {
  connections_.add(this);
}

SseStream::~SseStream() {
  if (token_) ctx_.jobs->unsubscribe(token_);
  connections_.remove(this);
}

void SseStream::start(Response head, const SseTarget& target, unsigned version) {
  const bool global = target.job_id.empty();
  sink_ = std::make_shared<SseSink>(weak_from_this(), hub_, opts().sse_queue_limit, global);
  auto sub = global ? ctx_.jobs->subscribe_all(target.last_event_id, sink_)
                    : ctx_.jobs->subscribe(target.job_id, target.last_event_id, sink_);
  if (!sub) {
    http::request_header<> header;
    header.version(version);
    auto res = std::make_shared<Response>(error_response(header, sub.status().code(), sub.status().message()));
    res->keep_alive(false);
    stream_.expires_after(opts().body_timeout);
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code, size_t) { self->close(); });
    return;
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

void SseStream::queue_event(const Frame& frame, bool terminal) {
  if (closed_) return;
  ++frames_from_events_;
  if (terminal) close_after_flush_ = true;
  frames_.push_back(frame);
}

void SseStream::push_frame(Frame frame) {
  if (closed_) return;
  frames_.push_back(std::move(frame));
  write_frames();
}

void SseStream::write_frames() {
  if (writing_ || closed_) return;
  if (frames_.empty()) {
    if (close_after_flush_) close();
    return;
  }
  // Everything queued goes out in one gathered write; at most one write is
  // in flight. Frames are shared by all subscribers of an event.
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
  // delivery at high fan-out). The socket is in non-blocking mode (start),
  // so a full buffer answers would_block instead of waiting; then the rest
  // goes out asynchronously.
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
  net::async_write(stream_.socket(), out_buffers_, [self = shared_from_this(), events](beast::error_code ec, size_t) {
    self->writing_ = false;
    self->writing_now_.clear();
    if (self->sink_) self->sink_->pending -= std::min<size_t>(events, self->sink_->pending);
    if (ec) return self->close();
    self->write_frames();
  });
}

void SseStream::schedule_heartbeat() {
  heartbeat_.expires_after(opts().heartbeat);
  heartbeat_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->closed_) return;
    static const Frame heartbeat = std::make_shared<const std::string>(kSseHeartbeat);
    self->push_frame(heartbeat);
    self->schedule_heartbeat();
  });
}

void SseStream::watch_for_disconnect() {
  stream_.socket().async_read_some(net::buffer(watch_byte_),
                                   [self = shared_from_this()](beast::error_code, size_t) { self->close(); });
}

void SseStream::close_async() {
  net::post(stream_.get_executor(), [self = shared_from_this()] { self->close(); });
}

void SseStream::close() {
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

}  // namespace epubtok::server
