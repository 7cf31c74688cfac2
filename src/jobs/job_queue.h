// JobQueue: every job the server knows, in memory — each one's state, the
// waiting order (queue positions), the running job and the finished jobs
// by creation order.
//
// Not thread-safe: the JobManager's lock guards it, except
// published_waiting() and published_running(), which read atomics so that
// queue_full() and counts() never wait for that lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "jobs/job.h"
#include "jobs/job_store.h"
#include "jobs/running_summary.h"

namespace epubtok::jobs {

// One job as the JobManager holds it.
struct JobState {
  // `stored` is the job's row as loaded or inserted; `summary_stale` when
  // rows may be on disk already (a loaded job).
  JobState(StoredJob stored, bool summary_stale)
      : stored(std::move(stored)),
        summary(this->stored.info.request.tokenizers, summary_stale, !is_terminal(this->stored.info.status)) {}

  StoredJob stored;
  RunningSummary summary;
  // The position last announced in a `queued` event.
  std::optional<uint64_t> last_position_sent;
  // While running: where each remaining book's row goes, and the progress
  // that was already done before this run (a resume).
  std::unordered_map<std::string, int64_t> index_of;
  std::vector<int64_t> unassigned;
  uint64_t base_current = 0;
  uint64_t base_bytes = 0;
  int64_t run_started_ms = 0;

  JobInfo& info() { return stored.info; }
  const JobInfo& info() const { return stored.info; }
};

class JobQueue {
 public:
  // The job with this id; nullptr when unknown.
  JobState* find(const std::string& job_id);
  const JobState* find(const std::string& job_id) const;
  // Adds a job (not yet waiting: see push_back()). Its id must be new.
  JobState& add(std::unique_ptr<JobState> job);
  // Forgets a job entirely (table, waiting order, finished index).
  void erase(const std::string& job_id);
  // Every job, by id.
  const std::map<std::string, std::unique_ptr<JobState>>& all() const { return jobs_; }
  // A random 16-hex-digit id that no job has.
  std::string new_id() const;

  // Sets the waiting order (at load: interrupted jobs first, then queued).
  void assign_waiting(const std::vector<std::string>& ids);
  // Appends a job to the waiting order.
  void push_back(const std::string& job_id);
  // Removes a job from the waiting order (no-op when not waiting).
  void remove_waiting(const std::string& job_id);
  size_t waiting() const { return waiting_.size(); }
  // The id of the job at 0-based position `i`; i < waiting().
  const std::string& waiting_at(size_t i) const { return waiting_[i]; }
  // Takes the first waiting job off the queue and makes it the running
  // one; returns its id. The queue must not be empty.
  std::string start_next();
  // There is no running job any more.
  void clear_running();

  // 1-based position of a waiting job; nullopt when not waiting. O(n).
  std::optional<uint64_t> position_of(const std::string& job_id) const;
  // Every waiting job's position. O(n).
  std::unordered_map<std::string, uint64_t> positions() const;
  // The job's info with its position filled in when it waits.
  JobInfo snapshot(const JobState& job) const;

  // Finished jobs by creation order (seq → id), for retention.
  std::map<uint64_t, std::string>& finished() { return finished_; }
  void add_finished(const JobState& job) { finished_.emplace(job.info().seq, job.info().id); }

  // waiting() and whether a job runs, as of the last change; lock-free.
  size_t published_waiting() const { return published_waiting_.load(std::memory_order_relaxed); }
  bool published_running() const { return published_running_.load(std::memory_order_relaxed); }

 private:
  void publish();

  std::map<std::string, std::unique_ptr<JobState>> jobs_;
  std::deque<std::string> waiting_;  // run order
  std::map<uint64_t, std::string> finished_;
  std::string running_;  // id of the running job, or empty
  std::atomic<size_t> published_waiting_{0};
  std::atomic<bool> published_running_{false};
};

}  // namespace epubtok::jobs
