// EventBus: appends job events to the store's log and fans them out to
// the subscribers (SSE streams) of that job and of all jobs; RateLimit: the
// spacing of `progress` and `queued` position events.
//
// An event is always stored before any subscriber sees it. Inside a store
// transaction it is held back until Transaction::commit() (transaction.h)
// calls flush(): a subscriber must never see an event that a crash could
// still roll back, since its id would be reused after the restart.
//
// Not thread-safe: the JobManager's lock guards it, like the store.
// Subscribers' EventSink::on_event runs under that lock (event_sink.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/json/object.hpp>

#include "core/status.h"
#include "jobs/event_sink.h"
#include "jobs/job.h"
#include "jobs/job_store.h"

namespace epubtok::jobs {

class EventBus {
 public:
  // `store` must outlive the bus.
  explicit EventBus(JobStore& store) : store_(store) {}

  // Appends an event of `type` with payload `data` to the log of the job
  // `info` (id info.last_event_id + 1, status info.status, a `ts` field
  // added to progress payloads), advances info.last_event_id, and delivers
  // it now, or at flush() when a store transaction is open. The store's
  // error when the append fails (nothing is delivered then). The event is
  // stamped `created_ms`, or now when that is negative: a rate-limited
  // event passes the time its limit admitted it, so consecutive events are
  // at least the interval apart in their stamps too.
  Status emit(JobInfo& info, EventType type, boost::json::object data, int64_t created_ms = -1);
  // Appends the `deleted` event of the job `info`, which is being removed,
  // without delivering it (deliver() after the removal commits). It
  // outlives the job's log on purpose, so late /api/events subscribers
  // replay it too. The store's error when the append fails.
  Result<std::shared_ptr<const JobEvent>> append_deleted(const JobInfo& info);

  // Delivers the events held back by the transaction that just committed.
  void flush();
  // Drops them: their transaction was rolled back.
  void discard() { unsent_.clear(); }

  // Delivers `event` to its job's subscribers and, unless it is a `book`
  // event, to the all-jobs subscribers. A sink that refuses an event is
  // unsubscribed; after a terminal event the job's subscribers are all
  // removed (the server then closes those streams).
  void deliver(const std::shared_ptr<const JobEvent>& event);

  // Registers `sink` for the live events of job `job_id` / of all jobs.
  // Returns the token for unsubscribe() (never 0).
  uint64_t subscribe(const std::string& job_id, std::shared_ptr<EventSink> sink);
  uint64_t subscribe_all(std::shared_ptr<EventSink> sink);
  // Removes a subscription; unknown tokens are ignored.
  void unsubscribe(uint64_t token);
  // Removes the subscriptions of a job that is being deleted, unnotified.
  void drop_job(const std::string& job_id);
  // Live subscriptions, all jobs included.
  size_t subscriber_count() const { return count_; }

 private:
  struct Sub {
    uint64_t token;
    std::shared_ptr<EventSink> sink;
  };
  // Delivers to `subs`, removing the sinks that refuse the event.
  void deliver_to(std::vector<Sub>& subs, const std::shared_ptr<const JobEvent>& event);

  JobStore& store_;
  std::unordered_map<std::string, std::vector<Sub>> job_subs_;
  std::vector<Sub> global_subs_;
  std::vector<std::shared_ptr<const JobEvent>> unsent_;  // emitted inside a transaction
  uint64_t next_token_ = 1;
  size_t count_ = 0;
};

// A rate limit with a trailing edge: an event may go out when `interval`
// has passed since the last one; one that comes sooner is marked pending,
// and a timer (the runner's progress thread) sends it once due_ms() is
// reached, carrying whatever changed meanwhile.
class RateLimit {
 public:
  explicit RateLimit(int64_t interval_ms) : interval_ms_(interval_ms) {}

  // True when the event may be sent at `now_ms` (always with `force`): the
  // send is recorded and nothing is pending any more. Otherwise marks the
  // event pending and returns false; *newly_pending tells whether it was
  // not pending before (the timer must then be woken).
  bool admit(int64_t now_ms, bool force, bool* newly_pending);
  bool pending() const { return pending_; }
  // Forgets a pending event (nothing may be sent any more).
  void clear_pending() { pending_ = false; }
  // When the pending event is due; INT64_MAX when none is pending.
  int64_t due_ms() const;

 private:
  int64_t interval_ms_;
  int64_t last_ms_ = 0;
  bool pending_ = false;
};

}  // namespace epubtok::jobs
