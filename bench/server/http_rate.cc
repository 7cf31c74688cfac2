// Constant-rate HTTP load generator for bench/server/run (the role wrk2
// plays; Debian's wrk 4.1 cannot pace requests).
//
// Requests are scheduled at fixed instants, start + i / RATE, whatever the
// server does. Each goes out on an idle keep-alive connection; if none is
// idle it waits, and its latency still counts from its scheduled instant, so
// a stalled server shows up as latency instead of silently lowering the
// offered rate (the "coordinated omission" a closed-loop client has).
// One thread, one epoll loop: the client costs far less CPU than the server
// it measures, which matters on a 2-core machine.
//
//   server_http_rate PORT PATH RATE SECONDS CONNECTIONS [METHOD [BODY]]
//
// Prints the offered and achieved rates, latency percentiles, non-2xx
// answers and the client's own CPU time.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

struct Conn {
  int fd = -1;
  bool busy = false;
  Clock::time_point scheduled;  // of the request in flight
  std::string in;
};

int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fcntl(fd, F_SETFL, O_NONBLOCK);
  return fd;
}

// The length of one complete response at the start of `in` (header plus
// Content-Length body), or 0 when more bytes are needed. Sets *status.
size_t complete_response(const std::string& in, int* status) {
  size_t end = in.find("\r\n\r\n");
  if (end == std::string::npos) return 0;
  *status = in.size() > 12 ? std::atoi(in.c_str() + 9) : 0;
  size_t length = 0;
  for (size_t pos = in.find("\r\n"); pos < end; pos = in.find("\r\n", pos + 2)) {
    if (strncasecmp(in.c_str() + pos + 2, "content-length:", 15) == 0) {
      length = std::strtoull(in.c_str() + pos + 17, nullptr, 10);
    }
  }
  size_t total = end + 4 + length;
  return in.size() >= total ? total : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: %s PORT PATH RATE SECONDS CONNECTIONS [METHOD [BODY]]\n", argv[0]);
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const std::string path = argv[2];
  const double rate = std::atof(argv[3]);
  const double seconds = std::atof(argv[4]);
  const int nconn = std::atoi(argv[5]);
  const std::string method = argc > 6 ? argv[6] : "GET";
  const std::string body = argc > 7 ? argv[7] : "";
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!body.empty() || method == "POST") {
    request += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n" + body;

  int ep = epoll_create1(0);
  std::vector<Conn> conns(static_cast<size_t>(nconn));
  // First in, first out: every connection carries requests in turn, so none
  // sits idle long enough for the server's slow-loris timeout to close it.
  std::deque<int> idle;
  for (int i = 0; i < nconn; ++i) {
    conns[i].fd = connect_to(port);
    if (conns[i].fd < 0) {
      std::fprintf(stderr, "cannot connect to 127.0.0.1:%d\n", port);
      return 1;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<uint32_t>(i);
    epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev);
    idle.push_back(i);
  }

  const auto start = Clock::now();
  const auto interval = std::chrono::duration<double>(1.0 / rate);
  const uint64_t total = static_cast<uint64_t>(rate * seconds);
  uint64_t issued = 0, done = 0, non2xx = 0, errors = 0;
  std::deque<Clock::time_point> backlog;  // scheduled, waiting for an idle connection
  std::vector<double> latencies;
  latencies.reserve(total);
  std::vector<epoll_event> events(static_cast<size_t>(nconn));
  char buf[65536];

  auto send_on = [&](int i, Clock::time_point scheduled) {
    Conn& c = conns[i];
    c.busy = true;
    c.scheduled = scheduled;
    // Small requests fit the socket buffer: one send() is the whole request.
    if (send(c.fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) ++errors;
  };

  while (done + errors < total) {
    auto now = Clock::now();
    // Every request whose instant has come joins the backlog.
    while (issued < total && start + std::chrono::duration_cast<Clock::duration>(interval * issued) <= now) {
      backlog.push_back(start + std::chrono::duration_cast<Clock::duration>(interval * issued));
      ++issued;
    }
    while (!backlog.empty() && !idle.empty()) {
      int i = idle.front();
      idle.pop_front();
      send_on(i, backlog.front());
      backlog.pop_front();
    }
    // Sleep until the next instant with nanosecond precision (epoll_wait's
    // milliseconds would either spin or send late and inflate latencies).
    Clock::duration wait = std::chrono::milliseconds(100);
    if (issued < total) {
      auto next = start + std::chrono::duration_cast<Clock::duration>(interval * issued);
      wait = std::max(Clock::duration::zero(), next - now);
    } else if (backlog.empty() && idle.size() == conns.size()) {
      break;
    }
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count();
    timespec timeout{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
    int k = epoll_pwait2(ep, events.data(), static_cast<int>(events.size()), &timeout, nullptr);
    for (int e = 0; e < k; ++e) {
      int i = static_cast<int>(events[e].data.u32);
      Conn& c = conns[i];
      for (;;) {
        ssize_t r = read(c.fd, buf, sizeof buf);
        if (r > 0) {
          c.in.append(buf, static_cast<size_t>(r));
          continue;
        }
        if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
          // Closed (e.g. an idle timeout): reconnect; a request in flight
          // on it counts as an error.
          epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
          close(c.fd);
          if (c.busy) ++errors;
          c.busy = false;
          c.in.clear();
          c.fd = connect_to(port);
          if (c.fd < 0) {
            std::fprintf(stderr, "cannot reconnect to 127.0.0.1:%d\n", port);
            return 1;
          }
          epoll_event ev{};
          ev.events = EPOLLIN;
          ev.data.u32 = static_cast<uint32_t>(i);
          epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
          std::erase(idle, i);
          idle.push_back(i);
        }
        break;
      }
      int status = 0;
      if (size_t n = complete_response(c.in, &status); n > 0 && c.busy) {
        c.in.erase(0, n);
        c.busy = false;
        latencies.push_back(ms_between(c.scheduled, Clock::now()));
        ++done;
        if (status < 200 || status >= 300) ++non2xx;
        idle.push_back(i);
      }
    }
  }
  const double elapsed_s = ms_between(start, Clock::now()) / 1000.0;
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) {
    if (latencies.empty()) return 0.0;
    return latencies[std::min(latencies.size() - 1, static_cast<size_t>(p / 100.0 * latencies.size()))];
  };
  rusage self{};
  getrusage(RUSAGE_SELF, &self);
  double cpu_s = static_cast<double>(self.ru_utime.tv_sec + self.ru_stime.tv_sec) +
                 static_cast<double>(self.ru_utime.tv_usec + self.ru_stime.tv_usec) / 1e6;
  std::printf("offered=%.0f/s achieved=%.0f/s requests=%llu non2xx=%llu errors=%llu connections=%d\n", rate,
              static_cast<double>(done) / elapsed_s, static_cast<unsigned long long>(done),
              static_cast<unsigned long long>(non2xx), static_cast<unsigned long long>(errors), nconn);
  std::printf("latency_ms p50=%.2f p90=%.2f p99=%.2f p99.9=%.2f max=%.2f (from the scheduled instant)\n", pct(50),
              pct(90), pct(99), pct(99.9), latencies.empty() ? 0.0 : latencies.back());
  std::printf("client_cpu_s=%.2f over %.1f s\n", cpu_s, elapsed_s);
  return 0;
}
