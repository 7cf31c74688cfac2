// The live progress line `epubtok count` draws on a terminal.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "count/counter.h"

namespace epubtok::cli {

// Draws "[#####-----] 12/48  31.2 MB/s  ETA 0:03  current.epub" on stderr,
// redrawing at most every 100 ms. Does nothing at all when `enabled` is
// false (stderr not a TTY, or NO_COLOR set). Not thread-safe: callers
// serialise (count_library's callbacks already are).
class ProgressLine {
 public:
  explicit ProgressLine(bool enabled);
  void update(const count::LibraryProgress& progress, bool force = false);
  // Erases the line so later output starts clean.
  void finish();

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_{};
  bool drawn_ = false;
};

}  // namespace epubtok::cli
