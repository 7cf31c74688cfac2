// Maintenance: what keeps the job database small — retention of finished
// jobs and checkpoints of the SQLite write-ahead log.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <thread>

#include "jobs/event_bus.h"
#include "jobs/job_queue.h"
#include "jobs/job_store.h"
#include "jobs/jobs_mutex.h"

namespace epubtok::jobs {

// Deletes finished jobs (their rows, events and books) beyond the newest
// `keep_jobs`, and those finished more than `keep_for` ago. Not
// thread-safe: used under the JobManager's lock.
class Retention {
 public:
  // The age sweep looks at every finished job; once a minute is plenty for
  // a limit counted in days, and a stream of short jobs must not pay for
  // it after each one.
  static constexpr int64_t kAgeSweepIntervalMs = 60'000;

  // All must outlive the Retention.
  Retention(JobQueue& queue, JobStore& store, EventBus& bus, size_t keep_jobs, std::chrono::milliseconds keep_for)
      : queue_(queue), store_(store), bus_(bus), keep_jobs_(keep_jobs), keep_for_(keep_for) {}

  // Applies both limits now (at open).
  void apply_all() { apply(/*sweep_age=*/true); }
  // After a job has ended: the count limit, and the age limit when the
  // last age sweep is kAgeSweepIntervalMs old. One commit for all the
  // deletions; a failed delete keeps the job until the next call.
  void after_job();

 private:
  // Deletes finished jobs beyond keep_jobs; with `sweep_age`, also those
  // finished more than keep_for ago. Their subscribers are dropped.
  void apply(bool sweep_age);
  // Deletes the finished job at `it` and returns the next entry; a job the
  // store refuses to delete stays (retried next time).
  std::map<uint64_t, std::string>::iterator drop(std::map<uint64_t, std::string>::iterator it);

  JobQueue& queue_;
  JobStore& store_;
  EventBus& bus_;
  size_t keep_jobs_;
  std::chrono::milliseconds keep_for_;
  int64_t last_age_sweep_ms_ = 0;
};

// Checkpoints the store's WAL on its own thread, beside the runner and the
// request threads (JobStore::use_external_checkpoints()): the copy and its
// fsyncs run without the JobManager's lock, only the short completion step
// takes it.
class Checkpointer {
 public:
  // How often the thread copies WAL frames into the database file.
  static constexpr std::chrono::milliseconds kCopyInterval{100};
  // The completion step holds the lock through two fsyncs (milliseconds;
  // bench/RESULTS.md, "Server"), so it runs once the WAL holds this many
  // frames (64 MiB of 4 KiB pages), not at SQLite's 1,000: at 1,000 new
  // jobs a second with short jobs running that is about once a second,
  // and the WAL stays under ~64 MiB.
  static constexpr int kCompleteAtFrames = 16384;

  // Both must outlive the Checkpointer.
  Checkpointer(JobStore& store, JobsMutex& mutex) : store_(store), mutex_(mutex) {}
  // Joins the thread.
  ~Checkpointer() { stop(); }

  // Starts the thread. Call once, with the store in external-checkpoint
  // mode.
  void start();
  // Stops and joins the thread. Idempotent.
  void stop();

 private:
  void loop();

  JobStore& store_;
  JobsMutex& mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace epubtok::jobs
