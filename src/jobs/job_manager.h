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
// The parts: JobQueue (job_queue.h) holds the jobs and the waiting order,
// JobRunner (job_runner.h) runs them, EventBus (event_bus.h) logs and fans
// out their events, Transaction (transaction.h) groups store writes,
// Retention and Checkpointer (maintenance.h) keep the database small, and
// one JobsMutex (jobs_mutex.h) guards them all. This class is the public
// face: it opens the store, answers the API's calls and starts and stops
// the threads.
//
// All public member functions are thread-safe. Knows nothing of HTTP.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "core/status.h"
#include "jobs/event_bus.h"
#include "jobs/event_sink.h"
#include "jobs/job.h"
#include "jobs/job_manager_options.h"
#include "jobs/job_queue.h"
#include "jobs/job_runner.h"
#include "jobs/job_store.h"
#include "jobs/jobs_mutex.h"
#include "jobs/maintenance.h"

namespace epubtok::jobs {

struct QueueCounts {
  size_t running = 0;
  size_t queued = 0;  // including interrupted jobs waiting to resume
};

struct JobPage {
  std::vector<JobInfo> jobs;            // newest first
  std::optional<uint64_t> next_cursor;  // pass as `before` for the next page
};

struct Subscription {
  uint64_t token = 0;            // for unsubscribe(); 0 when not registered
  std::vector<JobEvent> replay;  // stored events to send first, in order
  bool earliest = false;         // last_event_id was unknown or trimmed: full replay
  bool finished = false;         // the replay ends with the terminal event; not registered
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
  // logs its `queued` event. QUEUE_FULL when max_queued jobs wait,
  // IO_ERROR when the store fails.
  Result<JobInfo> submit(model::RunRequest request);
  // Whether submit() would refuse with QUEUE_FULL now. Lock-free.
  bool queue_full() const;

  // JOB_NOT_FOUND for an unknown id.
  Result<JobInfo> get(const std::string& job_id) const;
  // Jobs newest first, optionally only `status`, starting after cursor
  // `before` (a JobPage::next_cursor), at most `limit`.
  JobPage list(std::optional<JobStatus> status, std::optional<uint64_t> before, size_t limit) const;
  // Lock-free.
  QueueCounts counts() const;

  // Queued/interrupted → cancelled at once; running → cancel requested
  // (books in flight finish, then the job ends cancelled); cancelled →
  // kCancelled again. JOB_FINISHED for completed or failed jobs,
  // JOB_NOT_FOUND for an unknown id.
  Result<CancelOutcome> cancel(const std::string& job_id);
  // Deletes a finished job with its events and results, and sends a
  // `deleted` event on the all-jobs stream. JOB_NOT_FOUND; JOB_RUNNING when
  // the job is not finished (cancel it first); IO_ERROR when the store
  // fails.
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
  JobManager(JobManagerOptions options, std::unique_ptr<JobStore> store);
  // Builds the queue from the store: running jobs become interrupted (with
  // an `interrupted` event) and wait first, then the queued ones; applies
  // retention. The store's error, if any.
  Status load();
  // The job with this id, or JOB_NOT_FOUND.
  Result<JobState*> find(const std::string& job_id) const;

  JobManagerOptions options_;
  std::unique_ptr<JobStore> store_;
  mutable JobsMutex mutex_;
  // Guarded by mutex_. Mutable: reading a summary may rebuild its cache.
  mutable JobQueue queue_;
  EventBus bus_;
  Retention retention_;
  Checkpointer checkpointer_;
  JobRunner runner_;
  bool started_ = false;
  bool stopping_ = false;
};

}  // namespace epubtok::jobs
