// RecordingSink: the one test subscriber to job events (jobs::EventSink).
// It records every event delivered with the scheduling policy of the thread
// that delivered it, can run a check at delivery time, and can refuse
// events past a capacity (to test how overflowing subscribers are dropped).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "jobs/event_sink.h"

namespace epubtok::testing {

class RecordingSink : public jobs::EventSink {
 public:
  // Refuses (asks to be dropped) once `capacity` events are recorded.
  explicit RecordingSink(size_t capacity = SIZE_MAX) : capacity_(capacity) {}
  // `on_delivery` runs on the delivering thread for each event, before it
  // is recorded (e.g. to check what the store holds at that moment).
  explicit RecordingSink(std::function<void(const jobs::JobEvent&)> on_delivery)
      : capacity_(SIZE_MAX), on_delivery_(std::move(on_delivery)) {}

  bool on_event(const std::shared_ptr<const jobs::JobEvent>& event) override;

  // Wait (default 5 s at most) until an event of `type` / a terminal event
  // arrived, or until `done` holds for the events so far.
  bool wait_for(std::string_view type, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  bool wait_terminal(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  bool wait_until(const std::function<bool(const std::vector<jobs::JobEvent>&)>& done,
                  std::chrono::milliseconds timeout = std::chrono::seconds(5));

  std::vector<jobs::JobEvent> events();
  // to_string() of each event's type, in order.
  std::vector<std::string> types();
  // sched_getscheduler() of the thread that delivered each event.
  std::vector<int> policies();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<jobs::JobEvent> events_;
  std::vector<int> policies_;
  size_t capacity_;
  std::function<void(const jobs::JobEvent&)> on_delivery_;
};

}  // namespace epubtok::testing
