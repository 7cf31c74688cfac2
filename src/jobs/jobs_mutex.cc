#include "jobs/jobs_mutex.h"

#include <thread>

namespace epubtok::jobs {

std::unique_lock<std::mutex> JobsMutex::lock_for_submission() {
  submitters_.fetch_add(1, std::memory_order_relaxed);
  std::unique_lock lock(mutex_);
  submitters_.fetch_sub(1, std::memory_order_relaxed);
  return lock;
}

void JobsMutex::lock_in_background(std::unique_lock<std::mutex>& lock) {
  const auto give_up = std::chrono::steady_clock::now() + kStepAsideLimit;
  while (submitters_.load(std::memory_order_relaxed) > 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::yield();
  }
  lock.lock();
}

}  // namespace epubtok::jobs
