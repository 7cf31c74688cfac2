// CountingThread: the one long-lived thread that runs the counting engine,
// lowered to count_priority once (the engine's workers inherit its
// priority, and its per-thread caches are built once, not once per job).
//
// count() hands the engine's books back to the calling thread in batches:
// the engine's callbacks (on counting threads, which may be starved for
// long stretches at idle priority) only append to a hand-off list under its
// own small lock — never the JobManager's lock or the store — so a starved
// counting thread can never hold up a request (no priority inversion).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "count/counter.h"
#include "jobs/counting_engine.h"
#include "jobs/thread_priority.h"

namespace epubtok::jobs {

class CountingThread {
 public:
  // What the engine reported, in its (serialised) callback order.
  struct Item {
    bool finished = false;   // false: a book started
    std::string file_name;   // of the book started
    model::BookResult book;  // the finished book
    uint64_t done = 0;       // LibraryProgress after this book
    uint64_t bytes_done = 0;
  };

  // `engine` must outlive the thread.
  CountingThread(const CountingEngine& engine, ThreadPriority priority) : engine_(engine), priority_(priority) {}
  // Calls stop().
  ~CountingThread() { stop(); }

  // Starts the thread. Call once.
  void start();
  // Stops and joins the thread once its current count (if any) returned.
  // Idempotent.
  void stop();

  // Counts `books` with `workers` threads on the counting thread, stopping
  // early once *cancel is true, and calls `on_items` on the calling thread
  // with each batch of items that arrived since the last call, until the
  // engine returned and everything was handed over. INTERNAL when the engine
  // throws, else OK. One count at a time.
  Status count(const std::vector<std::string>& books, const count::CountOptions& options, int workers,
               const std::atomic<bool>* cancel, const std::function<void(std::vector<Item>& items)>& on_items);

 private:
  void loop();

  const CountingEngine& engine_;
  ThreadPriority priority_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::function<void()> task_;  // the count handed over by count()
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace epubtok::jobs
