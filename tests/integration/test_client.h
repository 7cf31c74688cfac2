// Test helpers for the job server: start/stop the real `epubtok serve`
// binary, make HTTP requests and read SSE streams over real sockets.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

namespace epubtok::itest {

// A running `epubtok serve --port 0 …` child process.
class ServerProcess {
 public:
  // Starts the binary with `args` after `serve --port 0`, waits for its
  // first stdout line and parses the port. Aborts the test on failure.
  explicit ServerProcess(std::vector<std::string> args);
  ~ServerProcess();  // SIGKILL if still running

  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& first_line() const { return first_line_; }
  // Sends `sig` and waits for exit; returns the exit status (waitpid form).
  int stop(int sig);

 private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string first_line_;
};

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  boost::json::value json() const;
};

// Raw socket helpers, for tests that send what http() would not.
// A TCP connection to 127.0.0.1:`port` with TCP_NODELAY; -1 when none could
// be made. The caller closes it.
int connect_to(uint16_t port);
// Writes all of `data` (no SIGPIPE); false when the connection failed first.
bool send_all(int fd, std::string_view data);

// One request on a fresh connection. `host` is the Host header.
HttpResult http(uint16_t port, const std::string& method, const std::string& target, const std::string& body = "",
                const std::map<std::string, std::string>& headers = {}, const std::string& host = "127.0.0.1");

struct SseEvent {
  uint64_t id = 0;
  std::string type;
  std::string data;
  boost::json::value json() const;
};

// An SSE connection read with a timeout per call.
class SseClient {
 public:
  SseClient(uint16_t port, const std::string& target, std::map<std::string, std::string> headers = {},
            int receive_buffer = 0);
  ~SseClient();
  int status() const { return status_; }
  const std::map<std::string, std::string>& headers() const { return headers_; }
  // The next event, skipping comments; nullopt on close or timeout.
  std::optional<SseEvent> next(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Reads until the server closes the stream (or timeout); returns the events.
  std::vector<SseEvent> read_all(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  bool closed() const { return closed_; }
  // Raw text of the stream so far (for framing checks).
  const std::string& raw() const { return raw_; }
  void close();

 private:
  bool fill(std::chrono::milliseconds timeout);
  int fd_ = -1;
  int status_ = 0;
  std::map<std::string, std::string> headers_;
  std::string buffer_;
  std::string raw_;
  bool closed_ = false;
};

// A connected socket that sent an SSE request and then never reads.
int open_stalled_sse(uint16_t port, const std::string& target);

// Polls GET /api/jobs/<id> until its status is `status` (or timeout).
boost::json::value wait_for_status(uint16_t port, const std::string& job_id, const std::string& status,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace epubtok::itest
