// JobManagerOptions: how the job server's queue and runner behave.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

#include "core/cpu_budget.h"
#include "core/status.h"
#include "jobs/counting_engine.h"
#include "jobs/thread_priority.h"

namespace epubtok::jobs {

struct JobManagerOptions {
  // The SQLite file (created if missing). Required; ":memory:" for tests.
  std::filesystem::path database;
  // The counting pipeline. Default: default_counting_engine().
  CountingEngine engine = default_counting_engine();
  // Worker threads for the books of one job. Default: the number of cores.
  int workers = available_cpus();  // affinity and cgroup quota, like `count -j`
  // Scheduling priority of the counting threads (ThreadPriority). Default
  // kNormal; `epubtok serve` uses kIdle so that counting never delays HTTP
  // requests or SSE deliveries.
  ThreadPriority count_priority = ThreadPriority::kNormal;
  // submit() refuses new jobs while this many wait. Default 1000.
  size_t max_queued = 1000;
  // Retention of finished jobs: the newest `keep_jobs`, and none finished
  // more than `keep_for` ago. Defaults: 500 jobs, 30 days.
  size_t keep_jobs = 500;
  std::chrono::milliseconds keep_for = std::chrono::hours(24 * 30);
  // Minimum spacing of `progress` events while books are counted. A change
  // held back by it (a book that ended sooner) is sent when the interval is
  // up, carrying every book finished meanwhile; the first and the last
  // progress event of a run are sent at once. Default 100 ms.
  std::chrono::milliseconds progress_interval{100};
  // `queued` position updates are sent to the first this many queued jobs
  // only: each job start would otherwise write one event per queued job,
  // which turns a deep queue into O(n²) writes. Default 20. Like progress
  // events, they are sent at most once per progress_interval: when short
  // jobs start hundreds of times a second, the positions as they are when
  // the interval is up go out, not every step in between.
  size_t position_updates = 20;
  // Checks each book found by a job's scan (e.g. symlinks escaping the
  // library); a non-OK status turns the book into a failed row with that
  // error. Default: accept all.
  std::function<Status(const std::string& book_path)> book_check;
};

}  // namespace epubtok::jobs
