#include "jobs/job_queue.h"

#include <algorithm>
#include <random>

namespace epubtok::jobs {

JobState* JobQueue::find(const std::string& job_id) {
  auto it = jobs_.find(job_id);
  return it == jobs_.end() ? nullptr : it->second.get();
}

const JobState* JobQueue::find(const std::string& job_id) const {
  auto it = jobs_.find(job_id);
  return it == jobs_.end() ? nullptr : it->second.get();
}

JobState& JobQueue::add(std::unique_ptr<JobState> job) {
  std::string id = job->info().id;
  return *jobs_.emplace(std::move(id), std::move(job)).first->second;
}

void JobQueue::erase(const std::string& job_id) {
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return;
  finished_.erase(it->second->info().seq);
  jobs_.erase(it);
}

std::string JobQueue::new_id() const {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  for (;;) {
    uint64_t v = rng();
    std::string id(16, '0');
    for (int i = 15; i >= 0; --i, v >>= 4) id[static_cast<size_t>(i)] = kHex[v & 15];
    if (!jobs_.count(id)) return id;
  }
}

void JobQueue::assign_waiting(const std::vector<std::string>& ids) {
  waiting_.assign(ids.begin(), ids.end());
  publish();
}

void JobQueue::push_back(const std::string& job_id) {
  waiting_.push_back(job_id);
  publish();
}

void JobQueue::remove_waiting(const std::string& job_id) {
  std::erase(waiting_, job_id);
  publish();
}

std::string JobQueue::start_next() {
  running_ = waiting_.front();
  waiting_.pop_front();
  publish();
  return running_;
}

void JobQueue::clear_running() {
  running_.clear();
  publish();
}

std::optional<uint64_t> JobQueue::position_of(const std::string& job_id) const {
  for (size_t i = 0; i < waiting_.size(); ++i) {
    if (waiting_[i] == job_id) return i + 1;
  }
  return std::nullopt;
}

std::unordered_map<std::string, uint64_t> JobQueue::positions() const {
  std::unordered_map<std::string, uint64_t> out;
  for (size_t i = 0; i < waiting_.size(); ++i) out[waiting_[i]] = i + 1;
  return out;
}

JobInfo JobQueue::snapshot(const JobState& job) const {
  JobInfo info = job.info();
  info.position = (info.status == JobStatus::kQueued || info.status == JobStatus::kInterrupted) ? position_of(info.id)
                                                                                                : std::nullopt;
  return info;
}

void JobQueue::publish() {
  published_waiting_.store(waiting_.size(), std::memory_order_relaxed);
  published_running_.store(!running_.empty(), std::memory_order_relaxed);
}

}  // namespace epubtok::jobs
