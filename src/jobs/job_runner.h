// JobRunner: takes jobs off the queue one at a time and runs each through
// its phases — start, plan (scan the paths once), resume bookkeeping,
// count, end — storing each finished book and sending the job's events.
//
// Threads: the runner (the phases, at normal priority), the counting
// thread (counting_thread.h, lowered to count_priority) and the progress
// thread (the trailing edge of the progress and position rate limits). The
// counting threads only hand finished books to the runner, which stores
// them and sends the events.
//
// Every phase runs with the JobManager's lock held, except the engine's
// calls (prepare, scan, count), which run without it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "jobs/counting_thread.h"
#include "jobs/event_bus.h"
#include "jobs/job_manager_options.h"
#include "jobs/job_queue.h"
#include "jobs/job_store.h"
#include "jobs/jobs_mutex.h"
#include "jobs/maintenance.h"
#include "jobs/transaction.h"

namespace epubtok::jobs {

class JobRunner {
 public:
  // All must outlive the runner.
  JobRunner(const JobManagerOptions& options, JobStore& store, EventBus& bus, JobQueue& queue, JobsMutex& mutex,
            Retention& retention);
  // Calls stop().
  ~JobRunner();

  // Starts the runner, counter and progress threads. Call once.
  void start();
  // Stops taking jobs off the queue, asks the running job to stop (books
  // in flight finish and are stored; the job ends `interrupted`), and
  // joins the threads. Idempotent. Call without the lock.
  void stop();

  // The functions below require the JobManager's lock.

  // A job was queued: wakes the runner.
  void wake() { wake_.notify_one(); }
  // Asks the running job to stop counting; it ends `cancelled`.
  void cancel_running() { cancel_flag_ = true; }
  // Sends `queued` events with the new positions of the first
  // position_updates waiting jobs whose position changed, in one
  // transaction (joining an open one). Rate-limited: within
  // progress_interval of the last update it only marks an update pending,
  // which the progress thread sends when the interval is up.
  void update_positions();

 private:
  void run_loop();
  void progress_loop();

  // Runs `job` (just taken off the queue) to its end or to shutdown.
  void run_job(std::unique_lock<std::mutex>& lock, JobState& job);
  // Start: the job is running; its status and the queue's new positions
  // are stored in one commit. The store's error, if any (the run goes on:
  // the end of the run writes the job's row again).
  Status start_run(JobState& job);
  // Plan: scans the request's paths (without the lock), fixes the job's
  // plan and totals, stores the scan's failures as rows, and sends
  // `started` (`resumed` for an interrupted job that had no plan yet), all
  // in one commit. INTERNAL when the scan throws; the store's error when
  // the commit fails (nothing of it is stored then).
  Status plan(std::unique_lock<std::mutex>& lock, JobState& job, bool resuming);
  // Resume: sends `resumed` with the books done and remaining (a job that
  // was interrupted after its plan was fixed). The store's error, if any.
  Status announce_resume(JobState& job);
  // Resume bookkeeping: reads which plan entries have a stored row and
  // returns the others, in plan order; sets the progress and the slots of
  // the remaining books' rows. A store error reads as "no row stored".
  std::vector<std::string> remaining_books(JobState& job);
  // Count: counts `books` on the counting thread while this thread (holding
  // `lock`, which it releases while waiting) stores and announces each
  // finished book in order. The engine's failure (INTERNAL), else OK. A
  // batch of rows the store refuses is rolled back (the books are counted
  // again on resume).
  Status count(std::unique_lock<std::mutex>& lock, JobState& job, const std::vector<std::string>& books,
               const count::CountOptions& options);
  // End: sends the run's last progress event, then ends the job
  // cancelled, completed, or — shutdown with books left — interrupted, in
  // one commit. The store's error, if any (nothing of it is stored then).
  Status end_run(JobState& job);
  // Ends the job `failed` with `error`. The store's error, if any.
  Status fail(JobState& job, const Status& error);
  // Ends the job in `status` with its terminal event `type` (and trims its
  // progress events), committing `tx`. The store's error, if any.
  Status finish(JobState& job, Transaction& tx, JobStatus status, EventType type, boost::json::object data);

  // Sends a `progress` event for the running job: at once when `force`,
  // else subject to progress_interval (a held-back event is sent by the
  // progress thread when due).
  void emit_progress(JobState& job, bool force);

  const JobManagerOptions& options_;
  JobStore& store_;
  EventBus& bus_;
  JobQueue& queue_;
  JobsMutex& mutex_;
  Retention& retention_;

  // Guarded by the JobManager's lock.
  bool stopping_ = false;
  std::condition_variable wake_;           // run_loop(): a job was queued, or stop
  std::condition_variable progress_wake_;  // progress_loop(): an event is pending, or stop
  RateLimit progress_limit_;
  RateLimit positions_limit_;
  JobState* progress_job_ = nullptr;  // the running job, while a progress event is pending

  // Read by the engine's threads.
  std::atomic<bool> cancel_flag_{false};

  CountingThread counting_;
  std::thread runner_;
  std::thread progress_thread_;
};

}  // namespace epubtok::jobs
