#include "jobs/counting_thread.h"

#include <filesystem>
#include <optional>

namespace epubtok::jobs {

void CountingThread::start() {
  thread_ = std::thread([this] { loop(); });
}

void CountingThread::stop() {
  {
    std::lock_guard guard(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void CountingThread::loop() {
  // Threads the engine starts inherit this thread's priority. A refusal
  // (e.g. a seccomp filter) costs only latency, never a result.
  (void)lower_current_thread(priority_);
  std::unique_lock guard(mutex_);
  for (;;) {
    wake_.wait(guard, [&] { return stop_ || task_; });
    if (stop_) return;
    auto task = std::move(task_);
    task_ = nullptr;
    guard.unlock();
    task();
    guard.lock();
  }
}

namespace {

// What the counting threads hand to the caller of count().
struct Handoff {
  std::mutex mutex;
  std::condition_variable ready;
  std::vector<CountingThread::Item> items;
  bool done = false;  // the engine returned; `items` holds everything
  std::optional<Status> crashed;
};

}  // namespace

Status CountingThread::count(const std::vector<std::string>& books, const count::CountOptions& options, int workers,
                             const std::atomic<bool>* cancel,
                             const std::function<void(std::vector<Item>& items)>& on_items) {
  Handoff handoff;
  auto push = [&handoff](Item item) {
    {
      std::lock_guard guard(handoff.mutex);
      handoff.items.push_back(std::move(item));
    }
    handoff.ready.notify_one();
  };
  count::LibraryCallbacks callbacks;
  callbacks.on_start = [&push](const count::LibraryProgress& p) {
    Item item;
    item.file_name = std::filesystem::path(p.current_file).filename().string();
    push(std::move(item));
  };
  callbacks.on_book = [&push](const model::BookResult& book, const count::LibraryProgress& p) {
    push(Item{true, {}, book, p.done, p.bytes_done});
  };
  auto task = [&] {
    std::optional<Status> crashed;
    try {
      engine_.count(books, options, workers, callbacks, cancel);
    } catch (const std::exception& e) {
      crashed = Status(ErrorCode::kInternal, std::string("counting failed: ") + e.what());
    }
    std::lock_guard guard(handoff.mutex);
    handoff.crashed = std::move(crashed);
    handoff.done = true;
    handoff.ready.notify_one();
  };
  {
    std::lock_guard guard(mutex_);
    task_ = task;
  }
  wake_.notify_one();

  std::vector<Item> batch;
  bool finished = false;
  while (!finished) {
    {
      std::unique_lock guard(handoff.mutex);
      handoff.ready.wait(guard, [&] { return handoff.done || !handoff.items.empty(); });
      batch.swap(handoff.items);
      finished = handoff.done;
    }
    if (batch.empty()) continue;
    on_items(batch);
    batch.clear();
  }
  // `done` was set by the task's last statement, under handoff.mutex, which
  // this thread has since taken: the task no longer touches `handoff`.
  return handoff.crashed.value_or(Status());
}

}  // namespace epubtok::jobs
