#include "jobs/event_bus.h"

#include <algorithm>
#include <cstdint>

#include <boost/json.hpp>

namespace epubtok::jobs {
namespace json = boost::json;

Status EventBus::emit(JobInfo& info, EventType type, json::object data, int64_t created_ms) {
  auto event = std::make_shared<JobEvent>();
  event->job_id = info.id;
  event->id = info.last_event_id + 1;
  event->type = type;
  event->created_ms = created_ms >= 0 ? created_ms : now_ms();
  if (type == EventType::kProgress) data["ts"] = event->created_ms;
  event->data = json::serialize(data);
  event->status = info.status;
  if (Status s = store_.append_event(*event); !s) return s;
  info.last_event_id = event->id;
  if (store_.in_transaction()) {
    unsent_.push_back(std::move(event));
  } else {
    deliver(event);
  }
  return Status();
}

Result<std::shared_ptr<const JobEvent>> EventBus::append_deleted(const JobInfo& info) {
  auto event = std::make_shared<JobEvent>();
  event->job_id = info.id;
  event->id = info.last_event_id + 1;
  event->type = EventType::kDeleted;
  event->status = info.status;
  event->created_ms = now_ms();
  event->data = "{}";
  if (Status s = store_.append_event(*event); !s) return s;
  return std::shared_ptr<const JobEvent>(std::move(event));
}

void EventBus::flush() {
  auto unsent = std::move(unsent_);
  unsent_.clear();
  for (auto& event : unsent) deliver(event);
}

void EventBus::deliver_to(std::vector<Sub>& subs, const std::shared_ptr<const JobEvent>& event) {
  size_t before = subs.size();
  std::erase_if(subs, [&](const Sub& sub) { return !sub.sink->on_event(event); });
  count_ -= before - subs.size();
}

void EventBus::deliver(const std::shared_ptr<const JobEvent>& event) {
  if (auto it = job_subs_.find(event->job_id); it != job_subs_.end()) {
    deliver_to(it->second, event);
    if (event->is_terminal()) {
      // The stream ends with the terminal event; the server closes it.
      count_ -= it->second.size();
      job_subs_.erase(it);
    }
  }
  if (event->type != EventType::kBook) deliver_to(global_subs_, event);
}

uint64_t EventBus::subscribe(const std::string& job_id, std::shared_ptr<EventSink> sink) {
  uint64_t token = next_token_++;
  job_subs_[job_id].push_back(Sub{token, std::move(sink)});
  ++count_;
  return token;
}

uint64_t EventBus::subscribe_all(std::shared_ptr<EventSink> sink) {
  uint64_t token = next_token_++;
  global_subs_.push_back(Sub{token, std::move(sink)});
  ++count_;
  return token;
}

void EventBus::unsubscribe(uint64_t token) {
  auto drop = [&](std::vector<Sub>& subs) {
    size_t before = subs.size();
    std::erase_if(subs, [&](const Sub& s) { return s.token == token; });
    count_ -= before - subs.size();
    return before != subs.size();
  };
  if (drop(global_subs_)) return;
  for (auto& [id, subs] : job_subs_) {
    if (drop(subs)) return;
  }
}

void EventBus::drop_job(const std::string& job_id) {
  if (auto it = job_subs_.find(job_id); it != job_subs_.end()) {
    count_ -= it->second.size();
    job_subs_.erase(it);
  }
}

bool RateLimit::admit(int64_t now_ms, bool force, bool* newly_pending) {
  *newly_pending = false;
  if (!force && now_ms - last_ms_ < interval_ms_) {
    *newly_pending = !pending_;
    pending_ = true;
    return false;
  }
  pending_ = false;
  last_ms_ = now_ms;
  return true;
}

int64_t RateLimit::due_ms() const { return pending_ ? last_ms_ + interval_ms_ : INT64_MAX; }

}  // namespace epubtok::jobs
