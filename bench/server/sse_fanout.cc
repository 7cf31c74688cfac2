// SSE fan-out benchmark client: N subscribers on one job's event stream,
// all on one epoll loop (a client much cheaper than the server it measures;
// the Python version in sse_fanout.py spends more time in its event loop
// than the server does).
//
// Each `progress` event carries `ts`, the server's creation time (Unix ms);
// delay = arrival time − ts (same machine, same clock), the arrival time
// being taken right after the read() that returned the event's bytes (not
// once per epoll batch, which would blur a slow batch into early stamps).
// Prints p50/p99/max over all (subscriber, event) pairs, the server's RSS
// before and at peak, and the client's own CPU time and epoll batch sizes,
// so a saturated client shows up instead of passing for a slow server.
//
//   server_sse_fanout PORT JOB_ID SERVER_PID [SUBSCRIBERS]
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/net_tstamp.h>
#include <netinet/in.h>
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
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace {

long rss_kb(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return 0;
}

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct Conn {
  int fd = -1;
  std::string pending;
  bool headers_done = false;
  bool done = false;
  long progress = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s PORT JOB_ID SERVER_PID [SUBSCRIBERS]\n", argv[0]);
    return 2;
  }
  int port = std::atoi(argv[1]);
  std::string job = argv[2];
  int pid = std::atoi(argv[3]);
  int n = argc > 4 ? std::atoi(argv[4]) : 1000;
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  setrlimit(RLIMIT_NOFILE, &lim);

  long rss_before = rss_kb(pid), rss_peak = rss_before;
  int ep = epoll_create1(0);
  std::vector<Conn> conns(n);
  std::string request =
      "GET /api/jobs/" + job + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";
  int connected = 0;
  for (int i = 0; i < n; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
      close(fd);
      conns[i].done = true;
      continue;
    }
    fcntl(fd, F_SETFL, O_NONBLOCK);
    // The kernel stamps each received segment when it reaches the socket:
    // arrival - ts is the server's (and loopback's) part of the delay,
    // read - arrival the time the data waited for this client to read it.
    int stamping = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &stamping, sizeof stamping);
    conns[i].fd = fd;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<uint32_t>(i);
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    ++connected;
  }

  // The subscribers connect one after another (about a second for 1,000
  // on this machine) while the job already runs; events created before the
  // last one is connected wait in the sockets of those already connected
  // until this loop starts reading, which measures the client's connect
  // loop, not the fan-out. They are counted apart.
  const double connected_at = now_ms();
  size_t before_connected = 0;
  std::vector<double> delays;
  std::vector<double> arrival_delays;  // kernel arrival − ts
  // SSE_FANOUT_DUMP=FILE writes every sample (read time, ts, kernel
  // arrival, subscriber) for offline analysis.
  FILE* dump = std::getenv("SSE_FANOUT_DUMP") ? std::fopen(std::getenv("SSE_FANOUT_DUMP"), "w") : nullptr;
  // Per event (keyed by its ts): the delay of its first and last receipt.
  // A late first receipt means the event left the server late; a spread
  // between first and last is the time the fan-out itself took.
  std::map<int64_t, std::pair<double, double>> per_event;
  const std::string marker = "event: progress\ndata: ";
  int open = connected;
  auto last_rss = std::chrono::steady_clock::now();
  std::vector<epoll_event> events(256);
  size_t batches = 0, batch_events = 0;
  int max_batch = 0;
  char buf[65536];
  while (open > 0) {
    int k = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 200);
    if (k > 0) {
      ++batches;
      batch_events += static_cast<size_t>(k);
      max_batch = std::max(max_batch, k);
    }
    for (int e = 0; e < k; ++e) {
      Conn& c = conns[events[e].data.u32];
      for (;;) {
        iovec iov{buf, sizeof buf};
        alignas(cmsghdr) char control[256];
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        ssize_t r = recvmsg(c.fd, &msg, 0);
        const int err = errno;
        const double t = now_ms();
        double arrived = 0;
        for (cmsghdr* cm = CMSG_FIRSTHDR(&msg); r > 0 && cm; cm = CMSG_NXTHDR(&msg, cm)) {
          if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_TIMESTAMPING) {
            timespec stamps[3];
            std::memcpy(stamps, CMSG_DATA(cm), sizeof stamps);
            arrived = static_cast<double>(stamps[0].tv_sec) * 1e3 + static_cast<double>(stamps[0].tv_nsec) / 1e6;
          }
        }
        if (r <= 0) {
          if (r == 0 || (err != EAGAIN && err != EWOULDBLOCK)) {
            close(c.fd);
            c.done = true;
            --open;
          }
          break;
        }
        c.pending.append(buf, static_cast<size_t>(r));
        size_t pos = 0;
        for (;;) {
          size_t i = c.pending.find(marker, pos);
          if (i == std::string::npos) break;
          size_t end = c.pending.find('\n', i + marker.size());
          if (end == std::string::npos) break;
          size_t ts = c.pending.find("\"ts\":", i);
          if (ts != std::string::npos && ts < end && std::atof(c.pending.c_str() + ts + 5) < connected_at) {
            ++before_connected;
          } else if (ts != std::string::npos && ts < end) {
            double ts_ms = std::atof(c.pending.c_str() + ts + 5);
            double d = t - ts_ms;
            delays.push_back(d);
            if (arrived > 0) arrival_delays.push_back(arrived - ts_ms);
            if (dump) std::fprintf(dump, "%.3f %.0f %.3f %u\n", t, ts_ms, arrived, events[e].data.u32);
            auto& [first, last] = per_event[static_cast<int64_t>(ts_ms)];
            if (first == 0 || d < first) first = d;
            last = std::max(last, d);
          }
          ++c.progress;
          pos = end;
        }
        if (c.pending.find("event: completed") != std::string::npos) {
          close(c.fd);
          c.done = true;
          --open;
          break;
        }
        c.pending.erase(0, std::max(pos, c.pending.size() > 4096 ? c.pending.size() - 4096 : 0));
      }
    }
    if (std::chrono::steady_clock::now() - last_rss > std::chrono::milliseconds(200)) {
      rss_peak = std::max(rss_peak, rss_kb(pid));
      last_rss = std::chrono::steady_clock::now();
    }
  }
  if (dump) std::fclose(dump);
  std::sort(delays.begin(), delays.end());
  auto pct = [&](double p) {
    return delays.empty() ? 0.0 : delays[std::min(delays.size() - 1, static_cast<size_t>(p / 100 * delays.size()))];
  };
  long min_p = 1L << 40, max_p = 0;
  for (const auto& c : conns) {
    if (c.fd < 0 && c.progress == 0) continue;
    min_p = std::min(min_p, c.progress);
    max_p = std::max(max_p, c.progress);
  }
  std::printf("subscribers=%d connected=%d progress_events_per_subscriber=%ld..%ld samples=%zu\n", n, connected, min_p,
              max_p, delays.size());
  std::printf("samples_created_before_all_connected=%zu (not counted)\n", before_connected);
  std::printf("delay_ms p50=%.1f p99=%.1f max=%.1f\n", pct(50), pct(99), delays.empty() ? 0.0 : delays.back());
  std::sort(arrival_delays.begin(), arrival_delays.end());
  auto apct = [&](double p) {
    return arrival_delays.empty() ? 0.0
                                  : arrival_delays[std::min(arrival_delays.size() - 1,
                                                            static_cast<size_t>(p / 100 * arrival_delays.size()))];
  };
  std::printf("arrival_delay_ms (kernel receive stamp - ts) p50=%.1f p99=%.1f max=%.1f samples=%zu\n", apct(50),
              apct(99), arrival_delays.empty() ? 0.0 : arrival_delays.back(), arrival_delays.size());
  std::vector<double> firsts, spreads;
  for (const auto& [ts, fl] : per_event) {
    firsts.push_back(fl.first);
    spreads.push_back(fl.second - fl.first);
  }
  std::sort(firsts.begin(), firsts.end());
  std::sort(spreads.begin(), spreads.end());
  auto pct_of = [](const std::vector<double>& v, double p) {
    return v.empty() ? 0.0 : v[std::min(v.size() - 1, static_cast<size_t>(p / 100 * v.size()))];
  };
  std::printf(
      "per event: first receipt p50=%.1f p99=%.1f ms; fan-out spread (last - first) p50=%.1f p99=%.1f max=%.1f ms\n",
      pct_of(firsts, 50), pct_of(firsts, 99), pct_of(spreads, 50), pct_of(spreads, 99),
      spreads.empty() ? 0.0 : spreads.back());
  rusage self{};
  getrusage(RUSAGE_SELF, &self);
  std::printf("client_cpu_s=%.2f epoll_batches=%zu mean_batch=%.1f max_batch=%d\n",
              static_cast<double>(self.ru_utime.tv_sec + self.ru_stime.tv_sec) +
                  static_cast<double>(self.ru_utime.tv_usec + self.ru_stime.tv_usec) / 1e6,
              batches, batches ? static_cast<double>(batch_events) / static_cast<double>(batches) : 0.0, max_batch);
  std::printf("server_rss_kb before=%ld peak=%ld growth_mb=%.1f\n", rss_before, rss_peak,
              (rss_peak - rss_before) / 1024.0);
  return 0;
}
