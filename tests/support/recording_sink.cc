#include "support/recording_sink.h"

#include <sched.h>

namespace epubtok::testing {

bool RecordingSink::on_event(const std::shared_ptr<const jobs::JobEvent>& event) {
  if (on_delivery_) on_delivery_(*event);
  const int policy = sched_getscheduler(0);
  std::lock_guard lock(mu_);
  if (events_.size() >= capacity_) return false;
  events_.push_back(*event);
  policies_.push_back(policy);
  cv_.notify_all();
  return true;
}

bool RecordingSink::wait_for(std::string_view type, std::chrono::milliseconds timeout) {
  return wait_until(
      [&](const std::vector<jobs::JobEvent>& events) {
        for (const auto& e : events) {
          if (jobs::to_string(e.type) == type) return true;
        }
        return false;
      },
      timeout);
}

bool RecordingSink::wait_terminal(std::chrono::milliseconds timeout) {
  return wait_until(
      [](const std::vector<jobs::JobEvent>& events) { return !events.empty() && events.back().is_terminal(); },
      timeout);
}

bool RecordingSink::wait_until(const std::function<bool(const std::vector<jobs::JobEvent>&)>& done,
                               std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return done(events_); });
}

std::vector<jobs::JobEvent> RecordingSink::events() {
  std::lock_guard lock(mu_);
  return events_;
}

std::vector<std::string> RecordingSink::types() {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& e : events_) out.emplace_back(jobs::to_string(e.type));
  return out;
}

std::vector<int> RecordingSink::policies() {
  std::lock_guard lock(mu_);
  return policies_;
}

}  // namespace epubtok::testing
