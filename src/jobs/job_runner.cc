#include "jobs/job_runner.h"

#include <algorithm>
#include <climits>
#include <filesystem>
#include <system_error>
#include <unordered_set>

#include <boost/json.hpp>

#include "results/results_document.h"

namespace epubtok::jobs {
namespace json = boost::json;

namespace {

// A book the server's policy refused: count's failed row, with the file's
// size so the job's byte totals stay right.
model::BookResult refused_book(const std::string& path, const Status& status) {
  model::BookResult book = count::failed_book(path, status.code(), status.message());
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  book.file_size = ec ? 0 : size;
  return book;
}

}  // namespace

JobRunner::JobRunner(const JobManagerOptions& options, JobStore& store, EventBus& bus, JobQueue& queue,
                     JobsMutex& mutex, Retention& retention)
    : options_(options),
      store_(store),
      bus_(bus),
      queue_(queue),
      mutex_(mutex),
      retention_(retention),
      progress_limit_(options.progress_interval.count()),
      positions_limit_(options.progress_interval.count()),
      counting_(options.engine, options.count_priority) {}

JobRunner::~JobRunner() { stop(); }

void JobRunner::start() {
  runner_ = std::thread([this] { run_loop(); });
  progress_thread_ = std::thread([this] { progress_loop(); });
  counting_.start();
}

void JobRunner::stop() {
  {
    std::lock_guard lock(mutex_.native());
    stopping_ = true;
    cancel_flag_ = true;
  }
  wake_.notify_all();
  progress_wake_.notify_all();
  auto join = [](std::thread& t) {
    if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
  };
  join(runner_);
  // After the runner: it waits for the count it handed over.
  counting_.stop();
  join(progress_thread_);
}

void JobRunner::run_loop() {
  std::unique_lock lock(mutex_.native());
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || queue_.waiting() > 0; });
    if (stopping_) return;
    JobState& job = *queue_.find(queue_.start_next());
    run_job(lock, job);
    queue_.clear_running();
    retention_.after_job();
  }
}

void JobRunner::run_job(std::unique_lock<std::mutex>& lock, JobState& job) {
  JobInfo& info = job.info();
  const bool resuming = info.status == JobStatus::kInterrupted;
  cancel_flag_ = info.cancel_requested;
  if (Status s = start_run(job); !s) {
    // The stored row still says queued/interrupted; the job runs anyway
    // and its end writes the row again.
  }

  const model::RunRequest& request = info.request;  // immutable once submitted
  lock.unlock();
  auto prepared = options_.engine.prepare(request);
  mutex_.lock_in_background(lock);
  // The store errors of fail() and end_run() have no one to go to: the
  // job's row keeps its last committed state, and a row left `running` is
  // resumed (its missing books counted) on the next start.
  if (!prepared) {
    (void)fail(job, prepared.status());
    return;
  }
  if (!job.stored.plan) {
    if (Status s = plan(lock, job, resuming); !s) {
      (void)fail(job, s);
      return;
    }
  } else if (resuming) {
    if (Status s = announce_resume(job); !s) {
      // Only the `resumed` event is lost; the plan and the rows are intact.
    }
  }

  std::vector<std::string> remaining = remaining_books(job);
  emit_progress(job, true);
  Status counted;
  if (!remaining.empty() && !cancel_flag_) counted = count(lock, job, remaining, *prepared);
  // Whatever the outcome, the run's last progress event comes now; nothing
  // may follow the terminal event.
  progress_limit_.clear_pending();
  progress_job_ = nullptr;
  if (!counted) {
    (void)fail(job, counted);
    return;
  }
  (void)end_run(job);
}

Status JobRunner::start_run(JobState& job) {
  JobInfo& info = job.info();
  info.status = JobStatus::kRunning;
  if (!info.started_ms) info.started_ms = now_ms();
  job.run_started_ms = now_ms();
  // The job's new status and the queue's new positions: one commit (every
  // commit is WAL writes under the lock that POST /api/jobs waits for).
  // Without a transaction they commit one by one.
  Transaction tx(store_, bus_);
  Status s = store_.update_job(job.stored);
  update_positions();
  Status committed = tx.commit();
  return s ? committed : s;
}

Status JobRunner::plan(std::unique_lock<std::mutex>& lock, JobState& job, bool resuming) {
  JobInfo& info = job.info();
  const model::RunRequest& request = info.request;
  lock.unlock();
  count::ScanResult scan;
  try {
    scan = options_.engine.scan(request.paths, request.recursive);
  } catch (const std::exception& e) {
    mutex_.lock_in_background(lock);
    return Status(ErrorCode::kInternal, std::string("scan failed: ") + e.what());
  }
  std::vector<std::string> books;
  std::vector<model::BookResult> failures = std::move(scan.failures);
  uint64_t bytes_total = 0;
  for (auto& book : scan.books) {
    if (options_.book_check) {
      if (Status s = options_.book_check(book); !s) {
        failures.push_back(refused_book(book, s));
        continue;
      }
    }
    std::error_code ec;
    auto size = std::filesystem::file_size(book, ec);
    bytes_total += ec ? 0 : size;
    books.push_back(std::move(book));
  }
  mutex_.lock_in_background(lock);
  job.stored.plan = books;
  info.progress.total = books.size() + failures.size();
  info.progress.bytes_total = bytes_total;
  // Without a transaction the writes commit one by one.
  Transaction tx(store_, bus_);
  Status s = store_.update_job(job.stored);
  if (s) {
    s = resuming ? bus_.emit(info, EventType::kResumed,
                             json::object{{"books_done", 0}, {"books_remaining", info.progress.total}})
                 : bus_.emit(info, EventType::kStarted,
                             json::object{{"total_books", info.progress.total}, {"total_bytes", bytes_total}});
  }
  // The scan's failures are rows after the plan's books.
  for (size_t k = 0; s && k < failures.size(); ++k) {
    json::object row = results::book_to_json(failures[k]);
    const auto index = static_cast<int64_t>(books.size() + k);
    s = store_.put_book(info.id, StoredBook{index, 0, json::serialize(row)});
    if (s) {
      job.summary.add(index, row);
      s = bus_.emit(info, EventType::kBook, std::move(row));
    }
    ++info.progress.current;
  }
  if (s) s = tx.commit();
  if (!s) {
    tx.rollback();
    job.summary.invalidate();
  }
  return s;
}

Status JobRunner::announce_resume(JobState& job) {
  const Progress& p = job.info().progress;
  return bus_.emit(
      job.info(), EventType::kResumed,
      json::object{{"books_done", p.current}, {"books_remaining", p.total - std::min(p.total, p.current)}});
}

std::vector<std::string> JobRunner::remaining_books(JobState& job) {
  JobInfo& info = job.info();
  // What is left: the plan entries without a stored row.
  std::unordered_set<int64_t> done;
  if (auto rows = store_.books(info.id)) {
    info.progress.current = rows->size();
    info.progress.bytes_done = 0;
    for (const auto& r : *rows) {
      done.insert(r.index);
      info.progress.bytes_done += r.file_size;
    }
  }
  std::vector<std::string> remaining;
  job.index_of.clear();
  job.unassigned.clear();
  const auto& plan = *job.stored.plan;
  for (size_t i = 0; i < plan.size(); ++i) {
    if (done.count(static_cast<int64_t>(i))) continue;
    remaining.push_back(plan[i]);
    job.index_of.emplace(plan[i], static_cast<int64_t>(i));
    job.unassigned.push_back(static_cast<int64_t>(i));
  }
  job.base_current = info.progress.current;
  job.base_bytes = info.progress.bytes_done;
  return remaining;
}

Status JobRunner::end_run(JobState& job) {
  JobInfo& info = job.info();
  // The last progress event joins the terminal event's commit (every
  // branch below commits).
  Transaction tx(store_, bus_);
  emit_progress(job, true);
  const bool all_done = job.unassigned.empty();
  if (info.cancel_requested) {
    return finish(job, tx, JobStatus::kCancelled, EventType::kCancelled,
                  json::object{{"summary", job.summary.summary_json(store_, info.id)}});
  }
  if (stopping_ && !all_done) {
    // Checkpoint: every finished book is stored; the next start resumes.
    info.status = JobStatus::kInterrupted;
    Status s = store_.update_job(job.stored);
    if (s) {
      s = bus_.emit(info, EventType::kInterrupted,
                    json::object{{"reason", "shutdown"}, {"books_done", info.progress.current}});
    }
    if (s) s = tx.commit();
    if (!s) tx.rollback();
    return s;
  }
  return finish(job, tx, JobStatus::kCompleted, EventType::kCompleted,
                json::object{{"summary", job.summary.summary_json(store_, info.id)}});
}

Status JobRunner::fail(JobState& job, const Status& error) {
  JobInfo& info = job.info();
  info.error = JobError{std::string(error.code_name()), error.message()};
  Transaction tx(store_, bus_);
  return finish(job, tx, JobStatus::kFailed, EventType::kFailed,
                json::object{{"error", json::object{{"code", info.error->code}, {"message", info.error->message}}}});
}

Status JobRunner::finish(JobState& job, Transaction& tx, JobStatus status, EventType type, json::object data) {
  JobInfo& info = job.info();
  info.status = status;
  info.finished_ms = now_ms();
  queue_.add_finished(job);
  Status s = store_.update_job(job.stored);
  if (s) s = bus_.emit(info, type, std::move(data));
  if (s) {
    // Compacting the log rides on the same commit; a failure only leaves
    // redundant progress events.
    (void)store_.trim_progress(info.id);
    s = tx.commit();
  }
  if (!s) tx.rollback();
  job.summary.stop_tracking();
  return s;
}

void JobRunner::update_positions() {
  bool newly_pending = false;
  if (!positions_limit_.admit(now_ms(), /*force=*/false, &newly_pending)) {
    // Held back by the rate limit: progress_loop() sends the positions as
    // they are when the interval is up.
    if (newly_pending) progress_wake_.notify_one();
    return;
  }
  size_t n = std::min(queue_.waiting(), options_.position_updates);
  // One transaction for the batch (nested calls join the caller's).
  Transaction tx(store_, bus_);
  for (size_t i = 0; i < n; ++i) {
    JobState& job = *queue_.find(queue_.waiting_at(i));
    if (job.info().status != JobStatus::kQueued) continue;
    uint64_t position = i + 1;
    if (job.last_position_sent == position) continue;
    job.last_position_sent = position;
    // A failed append loses this update only: the job's stream shows its
    // next position change.
    (void)bus_.emit(job.info(), EventType::kQueued, json::object{{"position", position}});
  }
  (void)tx.commit();  // a failure rolled the batch back: the same loss as above
}

void JobRunner::emit_progress(JobState& job, bool force) {
  const int64_t now = now_ms();
  bool newly_pending = false;
  if (!progress_limit_.admit(now, force, &newly_pending)) {
    // Held back by the rate limit: progress_loop() sends it when the
    // interval is up, so no book's completion goes unreported for long.
    if (newly_pending) {
      progress_job_ = &job;
      progress_wake_.notify_one();
    }
    return;
  }
  progress_job_ = nullptr;
  Progress& p = job.info().progress;
  uint64_t run_bytes = p.bytes_done > job.base_bytes ? p.bytes_done - job.base_bytes : 0;
  if (run_bytes > 0 && p.bytes_total > p.bytes_done) {
    double elapsed_s = static_cast<double>(now - job.run_started_ms) / 1000.0;
    p.eta_s = elapsed_s / static_cast<double>(run_bytes) * static_cast<double>(p.bytes_total - p.bytes_done);
  } else if (p.bytes_total > 0 && p.bytes_done >= p.bytes_total) {
    p.eta_s = 0.0;
  } else {
    p.eta_s.reset();
  }
  // A lost progress event is superseded by the next one (or by the
  // terminal event's summary).
  (void)bus_.emit(job.info(), EventType::kProgress, progress_to_json(p), now);
}

// The trailing edge of the progress and position rate limits. A separate
// thread because the runner is inside CountingEngine::count while books
// finish.
void JobRunner::progress_loop() {
  std::unique_lock lock(mutex_.native());
  while (!stopping_) {
    if (!progress_limit_.pending() && !positions_limit_.pending()) {
      progress_wake_.wait(lock);
      continue;
    }
    const int64_t now = now_ms();
    const int64_t progress_due = progress_limit_.due_ms();
    const int64_t positions_due = positions_limit_.due_ms();
    if (std::min(progress_due, positions_due) > now) {
      progress_wake_.wait_for(lock, std::chrono::milliseconds(std::min(progress_due, positions_due) - now));
      continue;
    }
    if (progress_due <= now) emit_progress(*progress_job_, true);
    if (positions_due <= now) update_positions();
  }
}

Status JobRunner::count(std::unique_lock<std::mutex>& lock, JobState& job, const std::vector<std::string>& books,
                        const count::CountOptions& count_options) {
  JobInfo& info = job.info();
  const size_t plan_size = job.stored.plan ? job.stored.plan->size() : 0;
  lock.unlock();
  Status counted = counting_.count(
      books, count_options, options_.workers, &cancel_flag_, [&](std::vector<CountingThread::Item>& batch) {
        mutex_.lock_in_background(lock);
        // Books that finished while the runner was busy share one transaction
        // (one commit); each book's row is still stored before its event is
        // sent. Without a transaction no row is stored (the books are counted
        // again on resume), only the progress.
        Transaction tx(store_, bus_);
        bool stored = tx.status().is_ok();
        for (auto& item : batch) {
          if (!item.finished) {
            info.progress.file_name = std::move(item.file_name);
            continue;
          }
          const model::BookResult& book = item.book;
          int64_t index;
          if (auto it = job.index_of.find(book.file_path); it != job.index_of.end()) {
            index = it->second;
            job.index_of.erase(it);
          } else {
            // The engine reported a path spelled differently; take the first
            // unassigned slot so the row is still kept.
            index = job.unassigned.empty() ? static_cast<int64_t>(plan_size) : job.unassigned.front();
          }
          std::erase(job.unassigned, index);
          json::object row = results::book_to_json(book);
          if (stored)
            stored = store_.put_book(info.id, StoredBook{index, book.file_size, json::serialize(row)}).is_ok();
          if (stored) {
            job.summary.add(index, row);
            stored = bus_.emit(info, EventType::kBook, std::move(row)).is_ok();
          }
          info.progress.current = job.base_current + item.done;
          info.progress.bytes_done = job.base_bytes + item.bytes_done;
          info.progress.file_name = book.file_name;
        }
        emit_progress(job, false);
        if (!stored || !tx.commit().is_ok()) {
          tx.rollback();
          job.summary.invalidate();
        }
        lock.unlock();
      });
  mutex_.lock_in_background(lock);
  return counted;
}

}  // namespace epubtok::jobs
