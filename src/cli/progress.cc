#include "cli/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>
#include <cmath>
#include <cstdio>

namespace epubtok::cli {

ProgressLine::ProgressLine(bool enabled) : enabled_(enabled), start_(std::chrono::steady_clock::now()) {}

void ProgressLine::update(const count::LibraryProgress& p, bool force) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (!force && drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  drawn_ = true;

  double seconds = std::chrono::duration<double>(now - start_).count();
  double fraction =
      p.bytes_total ? double(p.bytes_done) / double(p.bytes_total) : (p.total ? double(p.done) / double(p.total) : 0.0);
  double mb_per_s = seconds > 0 ? double(p.bytes_done) / 1e6 / seconds : 0.0;
  std::string eta = "--:--";
  if (fraction > 0 && fraction < 1) {
    long remaining = std::lround(seconds / fraction * (1 - fraction));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%ld:%02ld", remaining / 60, remaining % 60);
    eta = buf;
  }

  constexpr int kBarWidth = 24;
  int filled = static_cast<int>(std::lround(fraction * kBarWidth));
  std::string bar(filled, '#');
  bar.append(kBarWidth - filled, '-');

  char line[512];
  int n = 0;
  if (p.total == 0) {
    // A stream (count --jsonl): its length is unknown, so no bar and no ETA.
    n = std::snprintf(line, sizeof line, "%zu books  %.1f MB/s  %s", p.done, mb_per_s, p.current_file.c_str());
  } else {
    n = std::snprintf(line, sizeof line, "[%s] %zu/%zu books  %.1f MB/s  ETA %s  %s", bar.c_str(), p.done, p.total,
                      mb_per_s, eta.c_str(), p.current_file.c_str());
  }
  // Never wrap: a wrapped line cannot be redrawn with \r.
  winsize ws{};
  int width = (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) ? ws.ws_col : 80;
  if (n > width - 1) n = width - 1;
  std::fprintf(stderr, "\r\033[K%.*s", n, line);
  std::fflush(stderr);
}

void ProgressLine::finish() {
  if (!enabled_ || !drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

}  // namespace epubtok::cli
