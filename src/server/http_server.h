// HttpServer: the Boost.Beast listener and sessions behind `epubtok serve`.
//
// One io_context per I/O thread; each connection is a session that lives on
// one of them, so thousands of idle SSE streams cost a socket and a few
// hundred bytes each, never a thread. A session reads one request (header
// first, with size limits and a slow-loris timeout), routes it (router.h),
// and either writes the response, streams an upload body to disk, or turns
// into an SSE stream with a bounded queue and one write in flight.
#pragma once

#include <cstdint>
#include <memory>

#include "core/status.h"
#include "server/router.h"

namespace epubtok::server {

class HttpServer {
 public:
  // Binds ctx.options->host:port (port 0 = any free port) and starts
  // accepting once run() is called. INVALID_ARGUMENT for an unparsable
  // host, IO_ERROR when the address cannot be bound. `ctx` and what it
  // points to must outlive the server.
  static Result<std::unique_ptr<HttpServer>> create(ApiContext ctx);
  ~HttpServer();

  // The bound port.
  uint16_t port() const;
  // Runs the I/O threads (options.io_threads, the caller being one of
  // them) until stop(). Call once.
  void run();
  // Closes the listener and every connection; run() then returns.
  // Thread-safe, idempotent, callable from a signal handler's strand.
  void stop();

  class Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace epubtok::server
