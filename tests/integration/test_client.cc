#include "integration/test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace epubtok::itest {
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

// The binary under test: compiled in by CMake (EPUBTOK_BINARY), unless
// EPUBTOK_BINARY_DIR points elsewhere.
std::string binary_path() {
  if (const char* dir = std::getenv("EPUBTOK_BINARY_DIR"); dir && *dir) return std::string(dir) + "/epubtok";
  return EPUBTOK_BINARY;
}

std::string build_request(const std::string& method, const std::string& target, const std::string& body,
                          const std::map<std::string, std::string>& headers, const std::string& host, bool close) {
  std::string req = method + " " + target + " HTTP/1.1\r\n";
  if (!host.empty()) req += "Host: " + host + "\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST") req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  if (close) req += "Connection: close\r\n";
  req += "\r\n";
  req += body;
  return req;
}

// Parses "HTTP/1.1 200 OK\r\nA: b\r\n…" (without the blank line).
void parse_head(const std::string& head, int& status, std::map<std::string, std::string>& headers) {
  size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  status = std::atoi(status_line.substr(status_line.find(' ') + 1).c_str());
  size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t end = head.find("\r\n", pos);
    if (end == std::string::npos) end = head.size();
    std::string line = head.substr(pos, end - pos);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      headers[name] = value;
    }
    pos = end + 2;
  }
}

}  // namespace

int connect_to(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

ServerProcess::ServerProcess(std::vector<std::string> args) {
  int out[2];
  EXPECT_EQ(::pipe(out), 0);
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(out[1], 1);
    ::close(out[0]);
    ::close(out[1]);
    std::string bin = binary_path();
    std::vector<std::string> all = {bin, "serve", "--port", "0"};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    argv.reserve(all.size() + 1);
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    std::perror("execv");
    ::_exit(127);
  }
  ::close(out[1]);
  // The first stdout line announces the port.
  std::string line;
  char c;
  pollfd p{out[0], POLLIN, 0};
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::poll(&p, 1, 200) <= 0) continue;
    if (::read(out[0], &c, 1) != 1) break;
    if (c == '\n') break;
    line += c;
  }
  // Keep draining stdout in the background so the child never blocks.
  std::thread([fd = out[0]] {
    char buf[256];
    while (::read(fd, buf, sizeof buf) > 0) {
    }
    ::close(fd);
  }).detach();
  first_line_ = line;
  size_t colon = line.rfind(':');
  if (line.rfind("listening on http://", 0) == 0 && colon != std::string::npos) {
    port_ = static_cast<uint16_t>(std::atoi(line.c_str() + colon + 1));
  }
  EXPECT_NE(port_, 0) << "server did not announce a port; first line: '" << line << "'";
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) stop(SIGKILL);
}

int ServerProcess::stop(int sig) {
  if (pid_ <= 0) return 0;
  ::kill(pid_, sig);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

json::value HttpResult::json() const {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  EXPECT_FALSE(ec) << "not JSON: " << body.substr(0, 300);
  return v;
}

HttpResult http(uint16_t port, const std::string& method, const std::string& target, const std::string& body,
                const std::map<std::string, std::string>& headers, const std::string& host) {
  HttpResult result;
  int fd = connect_to(port);
  if (fd < 0) return result;
  timeval tv{30, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  send_all(fd, build_request(method, target, body, headers, host, true));
  std::string data;
  char buf[65536];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) data.append(buf, static_cast<size_t>(n));
  ::close(fd);
  size_t head_end = data.find("\r\n\r\n");
  if (head_end == std::string::npos) return result;
  parse_head(data.substr(0, head_end), result.status, result.headers);
  result.body = data.substr(head_end + 4);
  if (auto it = result.headers.find("content-length"); it != result.headers.end()) {
    result.body.resize(std::min<size_t>(result.body.size(), std::stoul(it->second)));
  }
  return result;
}

json::value SseEvent::json() const { return json::parse(data); }

SseClient::SseClient(uint16_t port, const std::string& target, std::map<std::string, std::string> headers,
                     int receive_buffer) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (receive_buffer > 0) setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    closed_ = true;
    return;
  }
  headers["Accept"] = "text/event-stream";
  send_all(fd_, build_request("GET", target, "", headers, "127.0.0.1", false));
  while (buffer_.find("\r\n\r\n") == std::string::npos) {
    if (!fill(20s)) return;
  }
  size_t head_end = buffer_.find("\r\n\r\n");
  parse_head(buffer_.substr(0, head_end), status_, headers_);
  buffer_.erase(0, head_end + 4);
  raw_ = buffer_;
}

SseClient::~SseClient() { close(); }

void SseClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  closed_ = true;
}

bool SseClient::fill(std::chrono::milliseconds timeout) {
  if (fd_ < 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
  char buf[65536];
  ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) {
    closed_ = true;
    return false;
  }
  buffer_.append(buf, static_cast<size_t>(n));
  if (status_ != 0) raw_.append(buf, static_cast<size_t>(n));
  return true;
}

std::optional<SseEvent> SseClient::next(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    size_t end = buffer_.find("\n\n");
    if (end != std::string::npos) {
      std::string block = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      SseEvent e;
      bool any = false;
      size_t pos = 0;
      while (pos <= block.size()) {
        size_t nl = block.find('\n', pos);
        std::string line = block.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        if (line.rfind("id: ", 0) == 0)
          e.id = std::stoull(line.substr(4)), any = true;
        else if (line.rfind("event: ", 0) == 0)
          e.type = line.substr(7), any = true;
        else if (line.rfind("data: ", 0) == 0)
          e.data += (e.data.empty() ? "" : "\n") + line.substr(6), any = true;
        if (nl == std::string::npos) break;
        pos = nl + 1;
      }
      if (any && !e.type.empty()) return e;
      continue;  // comment or retry block
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !fill(left)) return std::nullopt;
  }
}

std::vector<SseEvent> SseClient::read_all(std::chrono::milliseconds timeout) {
  std::vector<SseEvent> out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (auto e =
             next(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()))) {
    out.push_back(*e);
  }
  return out;
}

int open_stalled_sse(uint16_t port, const std::string& target) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int small = 4096;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return -1;
  send_all(fd, build_request("GET", target, "", {}, "127.0.0.1", false));
  return fd;
}

json::value wait_for_status(uint16_t port, const std::string& job_id, const std::string& status,
                            std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  json::value last;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = http(port, "GET", "/api/jobs/" + job_id);
    if (r.status == 200) {
      last = r.json();
      if (last.at("status").as_string() == status) return last;
    }
    std::this_thread::sleep_for(50ms);
  }
  ADD_FAILURE() << "job " << job_id << " did not reach " << status << "; last: " << json::serialize(last);
  return last;
}

}  // namespace epubtok::itest
