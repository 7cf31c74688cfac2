#include "jobs/maintenance.h"

#include <iterator>

#include "jobs/transaction.h"

namespace epubtok::jobs {

void Retention::after_job() {
  const int64_t now = now_ms();
  const bool sweep = now - last_age_sweep_ms_ >= kAgeSweepIntervalMs;
  if (sweep) last_age_sweep_ms_ = now;
  // Without a transaction each deletion commits on its own: slower, same
  // outcome.
  Transaction tx(store_, bus_);
  apply(sweep);
  // A failed commit rolls the deletions back: those jobs are gone from
  // memory but stay on disk until the next start's retention.
  (void)tx.commit();
}

std::map<uint64_t, std::string>::iterator Retention::drop(std::map<uint64_t, std::string>::iterator it) {
  const std::string id = it->second;
  if (queue_.find(id) == nullptr) return queue_.finished().erase(it);
  if (!store_.delete_job(id)) return std::next(it);  // kept; retried next time
  bus_.drop_job(id);
  auto next = std::next(it);
  queue_.erase(id);  // erases `it` too
  return next;
}

void Retention::apply(bool sweep_age) {
  auto& finished = queue_.finished();
  // The newest keep_jobs by creation order stay.
  while (finished.size() > keep_jobs_) {
    auto before = finished.size();
    drop(finished.begin());
    if (finished.size() == before) break;  // the store refused; try again later
  }
  if (!sweep_age) return;
  const int64_t cutoff = now_ms() - keep_for_.count();
  for (auto it = finished.begin(); it != finished.end();) {
    const JobState* job = queue_.find(it->second);
    bool too_old = job != nullptr && job->info().finished_ms && *job->info().finished_ms <= cutoff;
    it = too_old ? drop(it) : std::next(it);
  }
}

void Checkpointer::start() {
  thread_ = std::thread([this] { loop(); });
}

void Checkpointer::stop() {
  {
    std::lock_guard lock(mutex_.native());
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void Checkpointer::loop() {
  std::unique_lock lock(mutex_.native());
  while (!stopping_) {
    wake_.wait_for(lock, kCopyInterval);
    if (stopping_) break;
    lock.unlock();
    auto copied = store_.checkpoint_copy();
    mutex_.lock_in_background(lock);
    // Frames committed during the copy are still in the WAL (the copy's
    // own counts cannot show them: they describe the WAL as it was when
    // the copy began); with the lock held nothing is being written, so
    // copying them completes the checkpoint and the next commit rewinds
    // the WAL. One sync pair, on a few pages, is what the lock holders
    // wait for. A failure leaves the frames for the next round.
    if (copied && copied->wal_frames >= kCompleteAtFrames) {
      (void)store_.checkpoint_complete();
    }
  }
}

}  // namespace epubtok::jobs
