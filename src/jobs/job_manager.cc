#include "jobs/job_manager.h"

#include <algorithm>
#include <random>
#include <system_error>
#include <unordered_map>
#include <unordered_set>

#include <boost/json.hpp>

#include "results/results_document.h"

namespace epubtok::jobs {
namespace json = boost::json;

struct JobManager::JobState {
  StoredJob stored;
  std::vector<Sub> subs;
  std::optional<uint64_t> last_position_sent;
  // While running: where each remaining book's row goes, and the progress
  // that was already done before this run (a resume).
  std::unordered_map<std::string, int64_t> index_of;
  std::vector<int64_t> unassigned;
  uint64_t base_current = 0;
  uint64_t base_bytes = 0;
  int64_t run_started_ms = 0;
  uint64_t run_bytes_done = 0;

  JobInfo& info() { return stored.info; }
  const JobInfo& info() const { return stored.info; }
};

namespace {

// Most events replayed on the all-jobs stream.
constexpr size_t kMaxGlobalReplay = 10000;

// The smallest BookResult that results::summarize() needs, read back from a
// stored row, so the summary logic stays the results module's.
model::BookResult summary_fields(const json::value& row) {
  model::BookResult book;
  if (!row.is_object()) {
    book.status = model::BookStatus::kError;
    return book;
  }
  const json::object& o = row.as_object();
  std::string_view status = o.contains("status") && o.at("status").is_string() ? std::string_view(o.at("status").as_string()) : "error";
  book.status = status == "ok" ? model::BookStatus::kOk
                : status == "skipped" ? model::BookStatus::kSkipped
                                      : model::BookStatus::kError;
  auto number = [&](std::string_view key) -> uint64_t {
    const json::value* v = o.if_contains(key);
    if (!v) return 0;
    if (v->is_uint64()) return v->as_uint64();
    if (v->is_int64()) return static_cast<uint64_t>(std::max<int64_t>(0, v->as_int64()));
    return 0;
  };
  book.word_count = number("word_count");
  book.char_count = number("char_count");
  if (const json::value* tc = o.if_contains("token_counts"); tc && tc->is_object()) {
    for (const auto& kv : tc->as_object()) {
      uint64_t n = kv.value().is_uint64() ? kv.value().as_uint64()
                   : kv.value().is_int64() ? static_cast<uint64_t>(kv.value().as_int64()) : 0;
      book.token_counts.emplace_back(std::string(kv.key()), n);
    }
  }
  return book;
}

model::BookResult failed_book(const std::string& path, const Status& status) {
  model::BookResult book;
  book.file_path = path;
  book.file_name = std::filesystem::path(path).filename().string();
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  book.file_size = ec ? 0 : size;
  book.status = model::BookStatus::kError;
  book.error = model::BookError{std::string(status.code_name()), status.message()};
  return book;
}

// The results document's options: the request as submitted, with the
// server's worker count as "jobs".
model::RunRequest run_options(model::RunRequest r, int workers) {
  r.jobs = workers;
  return r;
}

}  // namespace

JobManager::JobManager(JobManagerOptions options, std::unique_ptr<JobStore> store)
    : options_(std::move(options)), store_(std::move(store)) {}

Result<std::unique_ptr<JobManager>> JobManager::open(JobManagerOptions options) {
  auto store = JobStore::open(options.database);
  if (!store) return store.status();
  // Without a second connection SQLite's automatic checkpoint stays on:
  // slower commits now and then, same guarantees.
  (void)(*store)->use_external_checkpoints();
  std::unique_ptr<JobManager> manager(new JobManager(std::move(options), std::move(*store)));
  std::lock_guard lock(manager->mutex_);
  if (Status s = manager->load(); !s) return s;
  return manager;
}

JobManager::~JobManager() { shutdown(); }

Status JobManager::load() {
  auto stored = store_->load_jobs();
  if (!stored) return stored.status();
  std::vector<std::string> interrupted, queued;
  for (StoredJob& s : *stored) {
    auto job = std::make_unique<JobState>();
    job->stored = std::move(s);
    JobInfo& info = job->info();
    if (auto max_id = store_->max_event_id(info.id)) info.last_event_id = std::max(info.last_event_id, *max_id);
    if (auto books = store_->books(info.id)) {
      info.progress.current = books->size();
      for (const auto& b : *books) info.progress.bytes_done += b.file_size;
    }
    std::string id = info.id;
    JobState& ref = *job;
    jobs_.emplace(id, std::move(job));
    if (info.status == JobStatus::kRunning) {
      // The process died while this job ran: its stored rows are final
      // (each was committed with its `book` event), the rest is redone.
      ref.info().status = JobStatus::kInterrupted;
      if (Status st = store_->begin(); !st) return st;
      Status st = persist(ref);
      if (st) st = emit(ref, "interrupted", json::object{{"reason", "crash"}, {"books_done", ref.info().progress.current}});
      if (!st) {
        rollback();
        return st;
      }
      if (Status c = commit(); !c) return c;
    }
    if (ref.info().status == JobStatus::kInterrupted) interrupted.push_back(id);
    if (ref.info().status == JobStatus::kQueued) queued.push_back(id);
    if (is_terminal(ref.info().status)) finished_.emplace(ref.info().seq, id);
  }
  queue_.assign(interrupted.begin(), interrupted.end());
  queue_.insert(queue_.end(), queued.begin(), queued.end());
  publish_queue_state();
  apply_retention(/*sweep_age=*/true);
  return Status();
}

void JobManager::start() {
  std::lock_guard lock(mutex_);
  if (started_ || stopping_) return;
  started_ = true;
  runner_ = std::thread([this] { run_loop(); });
  progress_thread_ = std::thread([this] { progress_loop(); });
  counter_thread_ = std::thread([this] { counter_loop(); });
  if (store_->external_checkpoints()) checkpoint_thread_ = std::thread([this] { checkpoint_loop(); });
}

void JobManager::shutdown() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    cancel_flag_ = true;
  }
  wake_.notify_all();
  progress_wake_.notify_all();
  checkpoint_wake_.notify_all();
  if (runner_.joinable() && runner_.get_id() != std::this_thread::get_id()) runner_.join();
  // After the runner: it waits for the counting task it handed over.
  {
    std::lock_guard guard(counter_mutex_);
    counter_stop_ = true;
  }
  counter_wake_.notify_all();
  if (counter_thread_.joinable() && counter_thread_.get_id() != std::this_thread::get_id()) counter_thread_.join();
  if (checkpoint_thread_.joinable() && checkpoint_thread_.get_id() != std::this_thread::get_id()) {
    checkpoint_thread_.join();
  }
  if (progress_thread_.joinable() && progress_thread_.get_id() != std::this_thread::get_id()) {
    progress_thread_.join();
  }
}

std::string JobManager::new_job_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  for (;;) {
    uint64_t v = rng();
    std::string id(16, '0');
    for (int i = 15; i >= 0; --i, v >>= 4) id[static_cast<size_t>(i)] = kHex[v & 15];
    if (!jobs_.count(id)) return id;
  }
}

Status JobManager::persist(const JobState& job) { return store_->update_job(job.stored); }

Status JobManager::emit(JobState& job, std::string type, json::object data) {
  auto event = std::make_shared<JobEvent>();
  event->job_id = job.info().id;
  event->id = job.info().last_event_id + 1;
  event->type = std::move(type);
  event->created_ms = now_ms();
  if (event->type == "progress") data["ts"] = event->created_ms;
  event->data = json::serialize(data);
  event->status = job.info().status;
  if (Status s = store_->append_event(*event); !s) return s;
  job.info().last_event_id = event->id;
  if (store_->in_transaction()) {
    // Subscribers must never see an event that a crash could still roll
    // back: its id would be reused after the restart.
    unsent_.emplace_back(&job, std::move(event));
  } else {
    fan_out(job, event);
  }
  return Status();
}

Status JobManager::commit() {
  Status s = store_->commit();
  if (!s) {
    rollback();
    return s;
  }
  auto unsent = std::move(unsent_);
  unsent_.clear();
  for (auto& [job, event] : unsent) fan_out(*job, event);
  return s;
}

void JobManager::rollback() {
  store_->rollback();
  unsent_.clear();
}

void JobManager::fan_out(JobState& job, const std::shared_ptr<const JobEvent>& event) {
  auto deliver = [&](std::vector<Sub>& subs) {
    size_t before = subs.size();
    std::erase_if(subs, [&](const Sub& sub) { return !sub.sink->on_event(event); });
    sub_count_ -= before - subs.size();
  };
  deliver(job.subs);
  if (event->is_terminal()) {
    // The stream ends with the terminal event; the server closes it.
    sub_count_ -= job.subs.size();
    job.subs.clear();
  }
  if (event->type != "book") deliver(global_subs_);
}

std::optional<uint64_t> JobManager::position_of(const std::string& job_id) const {
  for (size_t i = 0; i < queue_.size(); ++i) {
    if (queue_[i] == job_id) return i + 1;
  }
  return std::nullopt;
}

void JobManager::update_positions() {
  const int64_t now = now_ms();
  if (now - last_positions_ms_ < options_.progress_interval.count()) {
    // Held back by the rate limit: progress_loop() sends the positions as
    // they are when the interval is up.
    if (!positions_pending_) {
      positions_pending_ = true;
      progress_wake_.notify_one();
    }
    return;
  }
  positions_pending_ = false;
  last_positions_ms_ = now;
  size_t n = std::min(queue_.size(), options_.position_updates);
  // One transaction for the batch (nested calls join the caller's).
  const bool own = !store_->in_transaction() && store_->begin().is_ok();
  for (size_t i = 0; i < n; ++i) {
    JobState& job = *jobs_.at(queue_[i]);
    if (job.info().status != JobStatus::kQueued) continue;
    uint64_t position = i + 1;
    if (job.last_position_sent == position) continue;
    job.last_position_sent = position;
    (void)emit(job, "queued", json::object{{"position", position}});
  }
  if (own) (void)commit();
}

JobInfo JobManager::snapshot(const JobState& job) const {
  JobInfo info = job.info();
  info.position = (info.status == JobStatus::kQueued || info.status == JobStatus::kInterrupted)
                      ? position_of(info.id)
                      : std::nullopt;
  return info;
}

Result<JobInfo> JobManager::submit(model::RunRequest request) {
  submitters_.fetch_add(1, std::memory_order_relaxed);
  std::unique_lock lock(mutex_);
  submitters_.fetch_sub(1, std::memory_order_relaxed);
  if (queue_.size() >= options_.max_queued) {
    return Result<JobInfo>(ErrorCode::kQueueFull,
                           "the queue is full (" + std::to_string(options_.max_queued) + " jobs); retry later");
  }
  auto job = std::make_unique<JobState>();
  JobInfo& info = job->info();
  info.id = new_job_id();
  info.status = JobStatus::kQueued;
  info.created_ms = now_ms();
  info.request = std::move(request);
  if (Status s = store_->begin(); !s) return s;
  auto seq = store_->insert_job(job->stored);
  if (!seq) {
    rollback();
    return seq.status();
  }
  info.seq = *seq;
  uint64_t position = queue_.size() + 1;
  job->last_position_sent = position;
  JobState& ref = *job;
  jobs_.emplace(info.id, std::move(job));
  if (Status s = emit(ref, "queued", json::object{{"position", position}}); !s) {
    rollback();
    jobs_.erase(ref.info().id);
    return s;
  }
  if (Status s = commit(); !s) {
    jobs_.erase(ref.info().id);
    return s;
  }
  queue_.push_back(ref.info().id);
  publish_queue_state();
  wake_.notify_one();
  // snapshot() would search the queue for the position; it is known.
  JobInfo out = ref.info();
  out.position = position;
  return out;
}

bool JobManager::queue_full() const { return queued_.load(std::memory_order_relaxed) >= options_.max_queued; }

// POST /api/jobs answers only once its job is stored, and while short jobs
// run the runner re-takes mutex_ all the time (measured at 1,000 POST/s:
// ~1,000 holds a second, 18% of the time); std::mutex is not fair, so a
// submission could wait through several of the runner's holds in a row.
// The background threads step aside instead; the bound keeps a stream of
// submissions from stalling the queue.
void JobManager::lock_after_submissions(std::unique_lock<std::mutex>& lock) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(5);
  while (submitters_.load(std::memory_order_relaxed) > 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::yield();
  }
  lock.lock();
}

void JobManager::publish_queue_state() {
  queued_.store(queue_.size(), std::memory_order_relaxed);
  has_running_.store(!running_.empty(), std::memory_order_relaxed);
}

Result<JobInfo> JobManager::get(const std::string& job_id) const {
  std::lock_guard lock(mutex_);
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return Result<JobInfo>(ErrorCode::kJobNotFound, "no job has id " + job_id);
  return snapshot(*it->second);
}

JobPage JobManager::list(std::optional<JobStatus> status, std::optional<uint64_t> before, size_t limit) const {
  std::lock_guard lock(mutex_);
  std::vector<const JobState*> all;
  all.reserve(jobs_.size());
  for (const auto& [id, job] : jobs_) {
    if (status && job->info().status != *status) continue;
    if (before && job->info().seq >= *before) continue;
    all.push_back(job.get());
  }
  std::sort(all.begin(), all.end(), [](const JobState* a, const JobState* b) { return a->info().seq > b->info().seq; });
  std::unordered_map<std::string, uint64_t> positions;
  for (size_t i = 0; i < queue_.size(); ++i) positions[queue_[i]] = i + 1;
  JobPage page;
  for (size_t i = 0; i < all.size() && i < limit; ++i) {
    JobInfo info = all[i]->info();
    if (auto p = positions.find(info.id); p != positions.end()) info.position = p->second;
    page.jobs.push_back(std::move(info));
  }
  if (all.size() > limit && limit > 0) page.next_cursor = page.jobs.back().seq;
  return page;
}

QueueCounts JobManager::counts() const {
  return QueueCounts{has_running_.load(std::memory_order_relaxed) ? 1u : 0u, queued_.load(std::memory_order_relaxed)};
}

Result<CancelOutcome> JobManager::cancel(const std::string& job_id) {
  std::lock_guard lock(mutex_);
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return Result<CancelOutcome>(ErrorCode::kJobNotFound, "no job has id " + job_id);
  JobState& job = *it->second;
  JobInfo& info = job.info();
  switch (info.status) {
    case JobStatus::kQueued:
    case JobStatus::kInterrupted: {
      std::erase(queue_, job_id);
      publish_queue_state();
      info.status = JobStatus::kCancelled;
      info.cancel_requested = true;
      info.finished_ms = now_ms();
      if (Status s = store_->begin(); !s) return s;
      Status s = persist(job);
      if (s) s = emit(job, "cancelled", json::object{{"summary", summary_locked(job)}});
      if (s) s = commit();
      if (!s) {
        rollback();
        return s;
      }
      finished_.emplace(info.seq, job_id);
      update_positions();
      return CancelOutcome::kCancelled;
    }
    case JobStatus::kRunning:
      if (!info.cancel_requested) {
        info.cancel_requested = true;
        cancel_flag_ = true;
        if (Status s = persist(job); !s) return s;
      }
      return CancelOutcome::kCancelRequested;
    case JobStatus::kCancelled:
      return CancelOutcome::kCancelled;
    case JobStatus::kCompleted:
    case JobStatus::kFailed:
      break;
  }
  return Result<CancelOutcome>(ErrorCode::kJobFinished,
                               "job " + job_id + " has already " + std::string(job_status_name(info.status)));
}

Status JobManager::remove(const std::string& job_id) {
  std::lock_guard lock(mutex_);
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return Status(ErrorCode::kJobNotFound, "no job has id " + job_id);
  JobState& job = *it->second;
  if (!is_terminal(job.info().status)) {
    return Status(ErrorCode::kJobRunning,
                  "job " + job_id + " is " + std::string(job_status_name(job.info().status)) + "; cancel it first");
  }
  if (Status s = store_->begin(); !s) return s;
  Status s = store_->delete_job(job_id);
  // A `deleted` event tells the all-jobs stream; it outlives the job's log
  // on purpose so late /api/events subscribers replay it too.
  std::shared_ptr<JobEvent> event;
  if (s) {
    event = std::make_shared<JobEvent>();
    event->job_id = job_id;
    event->id = job.info().last_event_id + 1;
    event->type = "deleted";
    event->status = job.info().status;
    event->created_ms = now_ms();
    event->data = "{}";
    s = store_->append_event(*event);
  }
  if (s) s = commit();
  if (!s) {
    rollback();
    return s;
  }
  sub_count_ -= job.subs.size();
  finished_.erase(job.info().seq);
  jobs_.erase(it);
  std::erase_if(global_subs_, [&](const Sub& sub) {
    if (sub.sink->on_event(event)) return false;
    --sub_count_;
    return true;
  });
  return Status();
}

json::object JobManager::summary_locked(const JobState& job) const {
  results::ResultsDocument doc;
  doc.options.tokenizers = job.info().request.tokenizers;
  if (auto books = store_->books(job.info().id)) {
    for (const auto& b : *books) {
      boost::system::error_code ec;
      doc.results.push_back(summary_fields(json::parse(b.row, ec)));
    }
  }
  return results::summary_to_json(results::summarize(doc));
}

Result<json::object> JobManager::summary(const std::string& job_id) const {
  std::lock_guard lock(mutex_);
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return Result<json::object>(ErrorCode::kJobNotFound, "no job has id " + job_id);
  return summary_locked(*it->second);
}

Result<json::object> JobManager::results(const std::string& job_id) const {
  std::lock_guard lock(mutex_);
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return Result<json::object>(ErrorCode::kJobNotFound, "no job has id " + job_id);
  const JobState& job = *it->second;
  // The envelope (schema version, tool, options) comes from the results
  // module; the rows are the stored ones, in plan order.
  json::object doc = results::to_json(results::make_document(run_options(job.info().request, options_.workers), {}));
  json::array rows;
  auto books = store_->books(job_id);
  if (!books) return books.status();
  for (const auto& b : *books) {
    boost::system::error_code ec;
    json::value row = json::parse(b.row, ec);
    if (!ec) rows.push_back(std::move(row));
  }
  doc["results"] = std::move(rows);
  doc["summary"] = summary_locked(job);
  return doc;
}

Result<Subscription> JobManager::subscribe(const std::string& job_id, std::optional<uint64_t> last_event_id,
                                           std::shared_ptr<EventSink> sink) {
  std::lock_guard lock(mutex_);
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return Result<Subscription>(ErrorCode::kJobNotFound, "no job has id " + job_id);
  JobState& job = *it->second;
  Subscription sub;
  uint64_t after = 0;
  if (last_event_id && *last_event_id > 0) {
    auto known = store_->has_event(job_id, *last_event_id);
    if (!known) return known.status();
    if (*known) {
      after = *last_event_id;
    } else {
      sub.earliest = true;
    }
  }
  auto replay = store_->job_events(job_id, after);
  if (!replay) return replay.status();
  sub.replay = std::move(*replay);
  sub.finished = is_terminal(job.info().status);
  if (!sub.finished) {
    sub.token = next_token_++;
    job.subs.push_back(Sub{sub.token, std::move(sink)});
    ++sub_count_;
  }
  return sub;
}

Result<Subscription> JobManager::subscribe_all(std::optional<uint64_t> last_event_id, std::shared_ptr<EventSink> sink) {
  std::lock_guard lock(mutex_);
  Subscription sub;
  if (last_event_id) {
    // 0 asks for everything; an id the log no longer holds (trimmed, its
    // job deleted, or never assigned) cannot be resumed from, so it gets a
    // full replay flagged `earliest`, as on the per-job streams.
    bool known = *last_event_id == 0;
    if (!known) {
      auto has = store_->has_global_event(*last_event_id);
      if (!has) return has.status();
      known = *has;
    }
    sub.earliest = !known;
    // Bounded so a reconnect after a long absence cannot stall the server
    // (the client refetches the job list anyway); a full replay keeps the
    // newest events.
    auto replay = known ? store_->global_events(*last_event_id, kMaxGlobalReplay)
                        : store_->latest_global_events(kMaxGlobalReplay);
    if (!replay) return replay.status();
    sub.replay = std::move(*replay);
  }
  sub.token = next_token_++;
  global_subs_.push_back(Sub{sub.token, std::move(sink)});
  ++sub_count_;
  return sub;
}

void JobManager::unsubscribe(uint64_t token) {
  if (token == 0) return;
  std::lock_guard lock(mutex_);
  auto drop = [&](std::vector<Sub>& subs) {
    size_t before = subs.size();
    std::erase_if(subs, [&](const Sub& s) { return s.token == token; });
    sub_count_ -= before - subs.size();
    return before != subs.size();
  };
  if (drop(global_subs_)) return;
  for (auto& [id, job] : jobs_) {
    if (drop(job->subs)) return;
  }
}

size_t JobManager::subscriber_count() const {
  std::lock_guard lock(mutex_);
  return sub_count_;
}

void JobManager::maybe_emit_progress(JobState& job, bool force) {
  int64_t now = now_ms();
  if (!force && now - last_progress_ms_ < options_.progress_interval.count()) {
    // Held back by the rate limit: progress_loop() sends it when the
    // interval is up, so no book's completion goes unreported for long.
    if (!pending_progress_) {
      pending_progress_ = &job;
      progress_wake_.notify_one();
    }
    return;
  }
  pending_progress_ = nullptr;
  last_progress_ms_ = now;
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
  (void)emit(job, "progress", progress_to_json(p));
}

// The trailing edge of the progress and position rate limits. A separate
// thread because the runner is inside CountingEngine::count while books
// finish.
void JobManager::progress_loop() {
  std::unique_lock lock(mutex_);
  const int64_t interval = options_.progress_interval.count();
  while (!stopping_) {
    if (!pending_progress_ && !positions_pending_) {
      progress_wake_.wait(lock);
      continue;
    }
    const int64_t now = now_ms();
    const int64_t progress_due = pending_progress_ ? last_progress_ms_ + interval : INT64_MAX;
    const int64_t positions_due = positions_pending_ ? last_positions_ms_ + interval : INT64_MAX;
    if (std::min(progress_due, positions_due) > now) {
      progress_wake_.wait_for(lock, std::chrono::milliseconds(std::min(progress_due, positions_due) - now));
      continue;
    }
    if (progress_due <= now) maybe_emit_progress(*pending_progress_, true);
    if (positions_due <= now) update_positions();
  }
}

void JobManager::counter_loop() {
  // Threads the engine starts inherit this thread's priority. A refusal
  // (e.g. a seccomp filter) costs only latency, never a result.
  (void)lower_current_thread(options_.count_priority);
  std::unique_lock guard(counter_mutex_);
  for (;;) {
    counter_wake_.wait(guard, [&] { return counter_stop_ || counter_task_; });
    if (counter_stop_) return;
    auto task = std::move(counter_task_);
    counter_task_ = nullptr;
    guard.unlock();
    task();
    guard.lock();
  }
}

void JobManager::checkpoint_loop() {
  // The completion step holds the lock through two fsyncs (3-15 ms
  // measured on the shared VM), so it runs once the WAL holds 16,384 frames
  // (64 MB), not at SQLite's 1,000: measured at 1,000 new jobs a second
  // with short jobs running, that is about once a second (at 4,096 frames
  // it was four times), and the WAL stays under ~64 MB.
  constexpr int kCompleteAtFrames = 16384;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    checkpoint_wake_.wait_for(lock, std::chrono::milliseconds(100));
    if (stopping_) break;
    lock.unlock();
    auto copied = store_->checkpoint_copy();
    lock_after_submissions(lock);
    // Frames committed during the copy are still in the WAL (the copy's
    // own counts cannot show them: they describe the WAL as it was when
    // the copy began); with the lock held nothing is being written, so
    // copying them completes the checkpoint and the next commit rewinds
    // the WAL. One sync pair, on a few pages, is what the lock holders
    // wait for.
    if (copied && copied->wal_frames >= kCompleteAtFrames) {
      (void)store_->checkpoint_complete();
    }
  }
}

void JobManager::run_loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    std::string id = queue_.front();
    queue_.pop_front();
    run_job(lock, id);
    running_.clear();
    publish_queue_state();
    // The age sweep looks at every finished job; once a minute is plenty
    // for a limit counted in days, and a stream of short jobs must not
    // pay for it after each one.
    int64_t now = now_ms();
    bool sweep = now - last_age_sweep_ms_ >= 60'000;
    if (sweep) last_age_sweep_ms_ = now;
    // One commit for all the deletions (a job's events, books and row).
    const bool own = store_->begin().is_ok();
    apply_retention(sweep);
    if (own && !commit().is_ok()) rollback();
  }
}

void JobManager::run_job(std::unique_lock<std::mutex>& lock, const std::string& job_id) {
  JobState& job = *jobs_.at(job_id);
  JobInfo& info = job.info();
  const bool resuming = info.status == JobStatus::kInterrupted;
  running_ = job_id;
  publish_queue_state();
  cancel_flag_ = info.cancel_requested;
  info.status = JobStatus::kRunning;
  if (!info.started_ms) info.started_ms = now_ms();
  job.run_started_ms = now_ms();
  // The job's new status and the queue's new positions: one commit (every
  // commit is WAL writes under the lock that POST /api/jobs waits for).
  const bool own = store_->begin().is_ok();
  (void)persist(job);
  update_positions();
  if (own && !commit().is_ok()) rollback();

  // Ends the job in `status` with one terminal event, atomically.
  auto finish = [&](JobStatus status, std::string type, json::object data) {
    info.status = status;
    info.finished_ms = now_ms();
    finished_.emplace(info.seq, job_id);
    (void)store_->begin();
    Status s = persist(job);
    if (s) s = emit(job, std::move(type), std::move(data));
    // Compacting the log rides on the same commit; a failure only leaves
    // redundant progress events.
    if (s) (void)store_->trim_progress(job_id);
    if (s) s = commit();
    if (!s) rollback();
  };
  auto fail = [&](const Status& status) {
    info.error = JobError{std::string(status.code_name()), status.message()};
    finish(JobStatus::kFailed, "failed",
           json::object{{"error", json::object{{"code", info.error->code}, {"message", info.error->message}}}});
  };

  const model::RunRequest& request = info.request;  // immutable once submitted
  lock.unlock();
  auto prepared = options_.engine.prepare(request);
  lock_after_submissions(lock);
  if (!prepared) return fail(prepared.status());

  if (!job.stored.plan) {
    lock.unlock();
    count::ScanResult scan;
    try {
      scan = options_.engine.scan(request.paths, request.recursive);
    } catch (const std::exception& e) {
      lock_after_submissions(lock);
      return fail(Status(ErrorCode::kInternal, std::string("scan failed: ") + e.what()));
    }
    std::vector<std::string> books;
    std::vector<model::BookResult> failures = std::move(scan.failures);
    uint64_t bytes_total = 0;
    for (auto& book : scan.books) {
      if (options_.book_check) {
        if (Status s = options_.book_check(book); !s) {
          failures.push_back(failed_book(book, s));
          continue;
        }
      }
      std::error_code ec;
      auto size = std::filesystem::file_size(book, ec);
      bytes_total += ec ? 0 : size;
      books.push_back(std::move(book));
    }
    lock_after_submissions(lock);
    job.stored.plan = books;
    info.progress.total = books.size() + failures.size();
    info.progress.bytes_total = bytes_total;
    (void)store_->begin();
    Status s = persist(job);
    if (s) s = emit(job, resuming ? "resumed" : "started",
                    resuming ? json::object{{"books_done", 0}, {"books_remaining", info.progress.total}}
                             : json::object{{"total_books", info.progress.total}, {"total_bytes", bytes_total}});
    for (size_t k = 0; s && k < failures.size(); ++k) {
      json::object row = results::book_to_json(failures[k]);
      s = store_->put_book(job_id, StoredBook{static_cast<int64_t>(books.size() + k), 0, json::serialize(row)});
      if (s) s = emit(job, "book", std::move(row));
      ++info.progress.current;
    }
    if (s) s = commit();
    if (!s) {
      rollback();
      return fail(s);
    }
  } else if (resuming) {
    (void)emit(job, "resumed",
         json::object{{"books_done", info.progress.current},
                      {"books_remaining", info.progress.total - std::min(info.progress.total, info.progress.current)}});
  }

  // What is left: the plan entries without a stored row.
  std::unordered_set<int64_t> done;
  if (auto rows = store_->books(job_id)) {
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
  maybe_emit_progress(job, true);

  std::optional<Status> crashed;
  if (!remaining.empty() && !cancel_flag_) crashed = count_books(lock, job, remaining, *prepared);
  // Whatever the outcome, the run's last progress event comes now; nothing
  // may follow the terminal event.
  pending_progress_ = nullptr;
  if (crashed) return fail(*crashed);
  // The last progress event joins the terminal event's commit (every
  // branch below commits).
  (void)store_->begin();
  maybe_emit_progress(job, true);

  const bool all_done = job.unassigned.empty();
  if (info.cancel_requested) {
    return finish(JobStatus::kCancelled, "cancelled", json::object{{"summary", summary_locked(job)}});
  }
  if (stopping_ && !all_done) {
    // Checkpoint: every finished book is stored; the next start resumes.
    info.status = JobStatus::kInterrupted;
    (void)store_->begin();
    Status s = persist(job);
    if (s) s = emit(job, "interrupted", json::object{{"reason", "shutdown"}, {"books_done", info.progress.current}});
    if (s) s = commit();
    if (!s) rollback();
    return;
  }
  finish(JobStatus::kCompleted, "completed", json::object{{"summary", summary_locked(job)}});
}

// What the counting threads hand to the runner: each book's start and its
// result, in the engine's (serialised) callback order.
struct JobManager::CountHandoff {
  struct Item {
    bool finished = false;    // false: a book started
    std::string file_name;    // of the book started
    model::BookResult book;   // the finished book
    uint64_t done = 0;        // LibraryProgress after this book
    uint64_t bytes_done = 0;
  };
  std::mutex mutex;
  std::condition_variable ready;
  std::vector<Item> items;
  bool done = false;  // the engine returned; `items` holds everything
  std::optional<Status> crashed;
};

std::optional<Status> JobManager::count_books(std::unique_lock<std::mutex>& lock, JobState& job,
                                              const std::vector<std::string>& books,
                                              const count::CountOptions& count_options) {
  CountHandoff handoff;
  // The callbacks run on counting threads, which may be starved for long
  // stretches at idle priority: they only take the hand-off's own lock for
  // a push_back, never the JobManager's lock or the store.
  auto push = [&handoff](CountHandoff::Item item) {
    {
      std::lock_guard guard(handoff.mutex);
      handoff.items.push_back(std::move(item));
    }
    handoff.ready.notify_one();
  };
  count::LibraryCallbacks callbacks;
  callbacks.on_start = [&push](const count::LibraryProgress& p) {
    CountHandoff::Item item;
    item.file_name = std::filesystem::path(p.current_file).filename().string();
    push(std::move(item));
  };
  callbacks.on_book = [&push](const model::BookResult& book, const count::LibraryProgress& p) {
    push(CountHandoff::Item{true, {}, book, p.done, p.bytes_done});
  };
  auto count = [&] {
    std::optional<Status> crashed;
    try {
      options_.engine.count(books, count_options, options_.workers, callbacks, &cancel_flag_);
    } catch (const std::exception& e) {
      crashed = Status(ErrorCode::kInternal, std::string("counting failed: ") + e.what());
    }
    std::lock_guard guard(handoff.mutex);
    handoff.crashed = std::move(crashed);
    handoff.done = true;
    handoff.ready.notify_one();
  };
  {
    std::lock_guard guard(counter_mutex_);
    counter_task_ = count;
  }
  counter_wake_.notify_one();

  JobInfo& info = job.info();
  const size_t plan_size = job.stored.plan ? job.stored.plan->size() : 0;
  std::vector<CountHandoff::Item> batch;
  bool finished = false;
  lock.unlock();
  while (!finished) {
    {
      std::unique_lock guard(handoff.mutex);
      handoff.ready.wait(guard, [&] { return handoff.done || !handoff.items.empty(); });
      batch.swap(handoff.items);
      finished = handoff.done;
    }
    if (batch.empty()) continue;
    lock_after_submissions(lock);
    // Books that finished while the runner was busy share one transaction
    // (one commit); each book's row is still stored before its event is sent.
    bool stored = store_->begin().is_ok();
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
      if (stored) stored = store_->put_book(info.id, StoredBook{index, book.file_size, json::serialize(row)}).is_ok();
      if (stored) stored = emit(job, "book", std::move(row)).is_ok();
      info.progress.current = job.base_current + item.done;
      info.progress.bytes_done = job.base_bytes + item.bytes_done;
      info.progress.file_name = book.file_name;
    }
    maybe_emit_progress(job, false);
    if (!stored || !commit().is_ok()) rollback();
    batch.clear();
    lock.unlock();
  }
  // `done` was set by the task's last statement, under handoff.mutex, which
  // this thread has since taken: the task no longer touches `handoff`.
  lock_after_submissions(lock);
  return handoff.crashed;
}

void JobManager::apply_retention(bool sweep_age) {
  auto drop = [&](std::map<uint64_t, std::string>::iterator it) {
    auto job = jobs_.find(it->second);
    if (job != jobs_.end()) {
      if (!store_->delete_job(it->second)) return std::next(it);  // kept; retried next time
      sub_count_ -= job->second->subs.size();
      jobs_.erase(job);
    }
    return finished_.erase(it);
  };
  // The newest keep_jobs by creation order stay.
  while (finished_.size() > options_.keep_jobs) {
    auto before = finished_.size();
    drop(finished_.begin());
    if (finished_.size() == before) break;  // the store refused; try again later
  }
  if (!sweep_age) return;
  const int64_t cutoff = now_ms() - options_.keep_for.count();
  for (auto it = finished_.begin(); it != finished_.end();) {
    auto job = jobs_.find(it->second);
    bool too_old = job != jobs_.end() && job->second->info().finished_ms && *job->second->info().finished_ms <= cutoff;
    it = too_old ? drop(it) : std::next(it);
  }
}

}  // namespace epubtok::jobs
