// JobManager: the persistent FIFO job queue and its runner.
//
// Jobs are accepted at once (submit() never scans or counts), wait in FIFO
// order, and run one at a time on a dedicated runner thread (a second
// thread sends `progress` events held back by the rate limit); the books of a
// job run in parallel (CountingEngine::count with `workers` threads) on a
// counting thread lowered to `count_priority`. The counting threads only
// hand finished books to the runner; the runner, at normal priority, stores
// them and sends the events, so a starved low-priority thread never holds
// the JobManager's lock (no priority inversion on the request path).
// Every state change is appended to the job's event log in the JobStore,
// then fanned out to subscribers; subscribers only observe and can never
// slow the runner (EventSink::on_event must not block).
//
// Restart: a job that was running when the process died, or was stopped by
// shutdown(), is `interrupted`; the next JobManager on the same database
// resumes it first, counting only the books with no stored row, and logs
// `interrupted` / `resumed` events.
//
// All public member functions are thread-safe. Knows nothing of HTTP.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/json/object.hpp>

#include "core/cpu_budget.h"
#include "core/status.h"
#include "jobs/counting_engine.h"
#include "jobs/event_sink.h"
#include "jobs/job.h"
#include "jobs/job_store.h"
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

struct QueueCounts {
  size_t running = 0;
  size_t queued = 0;  // including interrupted jobs waiting to resume
};

struct JobPage {
  std::vector<JobInfo> jobs;              // newest first
  std::optional<uint64_t> next_cursor;    // pass as `before` for the next page
};

struct Subscription {
  uint64_t token = 0;             // for unsubscribe(); 0 when not registered
  std::vector<JobEvent> replay;   // stored events to send first, in order
  bool earliest = false;          // last_event_id was unknown or trimmed: full replay
  bool finished = false;          // the replay ends with the terminal event; not registered
};

enum class CancelOutcome { kCancelled, kCancelRequested };

class JobManager {
 public:
  // Opens the store, marks jobs that were running as interrupted (logging
  // `interrupted`), queues them ahead of the queued jobs, and applies
  // retention. Does not start running: call start().
  // IO_ERROR when the database cannot be opened.
  static Result<std::unique_ptr<JobManager>> open(JobManagerOptions options);
  // Calls shutdown().
  ~JobManager();

  // Starts the runner thread. Call once.
  void start();
  // Stops taking jobs off the queue, asks the running job to stop (books in
  // flight finish and are stored), marks it interrupted and joins the
  // runner. Idempotent. Subscribers are not notified beyond the
  // `interrupted` event.
  void shutdown();

  // Queues a job for `request` (paths already checked by the caller) and
  // logs its `queued` event. INVALID_ARGUMENT when the queue is full
  // (see queue_full()), IO_ERROR when the store fails.
  Result<JobInfo> submit(model::RunRequest request);
  bool queue_full() const;

  // JOB_NOT_FOUND for an unknown id.
  Result<JobInfo> get(const std::string& job_id) const;
  // Jobs newest first, optionally only `status`, starting after cursor
  // `before` (a JobPage::next_cursor), at most `limit`.
  JobPage list(std::optional<JobStatus> status, std::optional<uint64_t> before, size_t limit) const;
  QueueCounts counts() const;

  // Queued/interrupted → cancelled at once; running → cancel requested
  // (books in flight finish, then the job ends cancelled); cancelled →
  // kCancelled again. JOB_FINISHED for completed or failed jobs,
  // JOB_NOT_FOUND for an unknown id.
  Result<CancelOutcome> cancel(const std::string& job_id);
  // Deletes a finished job with its events and results. JOB_NOT_FOUND;
  // INVALID_ARGUMENT when the job is not finished (cancel it first).
  Status remove(const std::string& job_id);

  // The job's results document (schema 2.0 JSON), complete or partial, with
  // the rows in the order of the job's plan. JOB_NOT_FOUND.
  Result<boost::json::object> results(const std::string& job_id) const;
  // The summary object over the rows stored so far. JOB_NOT_FOUND.
  Result<boost::json::object> summary(const std::string& job_id) const;

  // Replays the job's log after `last_event_id` (nullopt: from the start)
  // and, unless the job has finished, registers `sink` for live events.
  // Events are never missed or duplicated between replay and live delivery.
  // JOB_NOT_FOUND for an unknown id.
  Result<Subscription> subscribe(const std::string& job_id, std::optional<uint64_t> last_event_id,
                                 std::shared_ptr<EventSink> sink);
  // The same for the job-level events of all jobs (no `book` events), with
  // global ids. Without last_event_id there is no replay; 0 replays from the
  // start; an id the log no longer holds sets `earliest` and replays from
  // the start. Replays hold at most the newest 10,000 events.
  Result<Subscription> subscribe_all(std::optional<uint64_t> last_event_id, std::shared_ptr<EventSink> sink);
  // Removes a subscription; unknown or already removed tokens are ignored.
  void unsubscribe(uint64_t token);
  // Number of live subscriptions (for tests and metrics).
  size_t subscriber_count() const;

 private:
  struct JobState;
  struct Sub {
    uint64_t token;
    std::shared_ptr<EventSink> sink;
  };

  explicit JobManager(JobManagerOptions options, std::unique_ptr<JobStore> store);
  Status load();
  void run_loop();
  // Takes `lock` (on mutex_) for a background thread (the runner, the
  // checkpointer) once the submit() calls waiting for it have had it,
  // waiting at most a few milliseconds.
  void lock_after_submissions(std::unique_lock<std::mutex>& lock);
  // Publishes queue_.size() and the running job for the readers that do
  // not take mutex_ (queue_full(), counts()). Call after changing either.
  void publish_queue_state();
  void progress_loop();
  // The counting thread: lowered to count_priority once, then runs the
  // counting task of each job in turn (one long-lived thread, so the
  // engine's per-thread caches are built once, not once per job).
  void counter_loop();
  // Checkpoints the store's WAL beside the runner and the request threads
  // (JobStore::use_external_checkpoints): the copy and its fsyncs run
  // without the lock, only the short completion step takes it.
  void checkpoint_loop();
  void run_job(std::unique_lock<std::mutex>& lock, const std::string& job_id);
  struct CountHandoff;
  // Counts `books` on the counting thread at count_priority while the calling
  // runner thread (holding `lock`, which it releases while waiting) stores
  // and announces each finished book in order. Returns the engine's
  // failure, if any.
  std::optional<Status> count_books(std::unique_lock<std::mutex>& lock, JobState& job,
                                    const std::vector<std::string>& books, const count::CountOptions& options);
  Status emit(JobState& job, std::string type, boost::json::object data);
  void fan_out(JobState& job, const std::shared_ptr<const JobEvent>& event);
  Status persist(const JobState& job);
  // Commits the store's transaction, then delivers the events it held back.
  Status commit();
  void rollback();
  void update_positions();
  std::optional<uint64_t> position_of(const std::string& job_id) const;
  JobInfo snapshot(const JobState& job) const;
  boost::json::object summary_locked(const JobState& job) const;
  void maybe_emit_progress(JobState& job, bool force);
  // Deletes finished jobs beyond keep_jobs; with `sweep_age`, also those
  // finished more than keep_for ago.
  void apply_retention(bool sweep_age);
  std::string new_job_id();

  JobManagerOptions options_;
  std::unique_ptr<JobStore> store_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, std::unique_ptr<JobState>> jobs_;
  std::deque<std::string> queue_;  // waiting jobs in run order
  // Finished jobs by creation order (seq → id): retention drops from the
  // front without scanning every job.
  std::map<uint64_t, std::string> finished_;
  int64_t last_age_sweep_ms_ = 0;
  std::string running_;            // id of the running job, or empty
  std::atomic<bool> cancel_flag_{false};
  bool stopping_ = false;
  bool started_ = false;
  std::thread runner_;
  std::thread progress_thread_;          // progress_loop()
  std::thread checkpoint_thread_;        // checkpoint_loop(), when the store allows it
  std::thread counter_thread_;           // counter_loop()
  std::mutex counter_mutex_;
  std::condition_variable counter_wake_;
  std::function<void()> counter_task_;   // the running job's count, handed over by count_books()
  bool counter_stop_ = false;
  std::condition_variable checkpoint_wake_;
  std::condition_variable progress_wake_;
  JobState* pending_progress_ = nullptr;  // the running job, when a progress event is held back
  bool positions_pending_ = false;         // a position update is held back
  int64_t last_positions_ms_ = 0;
  std::atomic<size_t> submitters_{0};        // submit() calls waiting for or holding mutex_
  std::atomic<size_t> queued_{0};            // queue_.size()
  std::atomic<bool> has_running_{false};     // !running_.empty()
  std::vector<Sub> global_subs_;
  std::vector<std::pair<JobState*, std::shared_ptr<JobEvent>>> unsent_;  // emitted inside a transaction
  uint64_t next_token_ = 1;
  size_t sub_count_ = 0;
  int64_t last_progress_ms_ = 0;
};

}  // namespace epubtok::jobs
