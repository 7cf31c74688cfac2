// SseStream: one Server-Sent Events connection, from the response head to
// the close. An HttpSession hands its socket over once the router has
// accepted an SSE request (GET /api/events, /api/jobs/{id}/events).
//
// Job events reach it from the JobManager (EventSink, on the runner's
// thread, under the JobManager's lock) through its I/O thread's FanOutHub;
// it writes them, at most one write in flight, with a heartbeat comment in
// quiet stretches. A subscriber with more than sse_queue_limit events in
// flight is dropped and its connection closed: the client reconnects with
// Last-Event-ID and replays from the log, so a reader that stalls can never
// slow the job or anyone else. The stream ends after a job's terminal
// event, when the client goes away, or on server stop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "server/connection.h"
#include "server/router.h"

namespace epubtok::server {

class SseStream;
class SseSink;

// Hands job events to the SSE streams of one io_context. The job runner
// calls on_event() once per subscriber in a row; posting a handler per
// subscriber would cost an allocation, a scheduler lock and often a thread
// wake-up each (the fan-out's cost at 1,000 subscribers). Instead
// deliveries collect here and one handler per burst drains them on the
// context's thread.
class FanOutHub {
 public:
  explicit FanOutHub(boost::asio::io_context& ioc) : ioc_(ioc) {}

  struct Delivery {
    std::shared_ptr<SseStream> stream;
    std::shared_ptr<const std::string> frame;
    bool terminal;
  };

  // Any thread.
  void enqueue(Delivery delivery);

 private:
  void drain();

  boost::asio::io_context& ioc_;
  std::mutex mutex_;
  std::vector<Delivery> pending_;
  std::vector<Delivery> draining_;  // context thread only
  bool scheduled_ = false;
};

class SseStream : public Connection, public std::enable_shared_from_this<SseStream> {
 public:
  using Frame = std::shared_ptr<const std::string>;

  // Takes over `stream` (its request fully read). `hub` is the FanOutHub of
  // the stream's io_context; `ctx`, `hub` and `connections` must outlive it.
  SseStream(boost::beast::tcp_stream stream, const ApiContext& ctx, FanOutHub& hub, ConnectionSet& connections);
  ~SseStream() override;

  // Subscribes to `target`'s events and writes `head` (the router's
  // response head, HTTP `version`), the retry hint and the replay, then
  // the live events. When the subscription fails (the job was deleted
  // meanwhile), writes the error response instead and closes.
  void start(Response head, const SseTarget& target, unsigned version);

  // On the stream's thread: queues one event's frame without writing it;
  // flush() then sends everything queued in one write. The hub queues every
  // event of a burst first (a book and the progress event committed with
  // it), so a subscriber costs one send per burst, not one per event. After
  // a `terminal` frame the stream closes once it is written.
  void queue_event(const Frame& frame, bool terminal);
  void flush() { write_frames(); }

  void close_async() override;
  std::shared_ptr<Connection> lock() override { return weak_from_this().lock(); }

 private:
  const ServerOptions& opts() const { return *ctx_.options; }
  // On the stream's thread: queues one frame and writes.
  void push_frame(Frame frame);
  void write_frames();
  void schedule_heartbeat();
  // An SSE client sends nothing after its request; a completed read means
  // it went away (EOF) — or misbehaved — either way the stream ends.
  void watch_for_disconnect();
  void close();

  boost::beast::tcp_stream stream_;
  const ApiContext& ctx_;
  FanOutHub& hub_;
  ConnectionSet& connections_;
  std::shared_ptr<SseSink> sink_;
  uint64_t token_ = 0;  // the JobManager subscription
  std::deque<Frame> frames_;
  std::vector<Frame> writing_now_;
  std::vector<boost::asio::const_buffer> out_buffers_;
  size_t frames_from_events_ = 0;
  bool writing_ = false;
  bool close_after_flush_ = false;
  bool closed_ = false;
  boost::asio::steady_timer heartbeat_;
  char watch_byte_[1];
};

}  // namespace epubtok::server
