// JobsMutex: the one lock over the JobManager's state (queue, event bus,
// store), with request threads served first.
//
// POST /api/jobs answers only once its job is stored, and while short jobs
// run, the runner re-takes this lock all the time (bench/RESULTS.md,
// "Server", has the hold figures); std::mutex is not fair,
// so a submission could wait through several of the runner's holds in a
// row. The background threads (the runner, the checkpointer) therefore
// step aside while submissions wait, for at most kStepAsideLimit.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>

namespace epubtok::jobs {

class JobsMutex {
 public:
  // How long a background thread lets waiting submissions go first. Long
  // enough for the submissions queued behind one runner hold to pass
  // (each holds the lock well under a millisecond), short enough that a
  // steady stream of submissions cannot stall the queue.
  static constexpr std::chrono::milliseconds kStepAsideLimit{5};

  std::mutex& native() { return mutex_; }

  // Takes the lock for a submission: background threads waiting in
  // lock_in_background() let it through first.
  std::unique_lock<std::mutex> lock_for_submission();
  // Takes `lock` (on native(), currently unlocked) for a background thread
  // once the submissions waiting for it have had it, waiting for them at
  // most kStepAsideLimit.
  void lock_in_background(std::unique_lock<std::mutex>& lock);

 private:
  std::mutex mutex_;
  std::atomic<size_t> submitters_{0};  // submissions waiting for or holding mutex_
};

}  // namespace epubtok::jobs
