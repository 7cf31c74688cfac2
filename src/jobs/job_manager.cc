#include "jobs/job_manager.h"

#include <algorithm>
#include <unordered_map>

#include <boost/json.hpp>

#include "jobs/transaction.h"
#include "results/results_document.h"

namespace epubtok::jobs {
namespace json = boost::json;

namespace {

// Most events replayed on the all-jobs stream: a reconnect after a long
// absence must not stall the server (the client refetches the job list
// anyway).
constexpr size_t kMaxGlobalReplay = 10000;

// The results document's options: the request as submitted, with the
// server's worker count as "jobs".
model::RunRequest run_options(model::RunRequest r, int workers) {
  r.jobs = workers;
  return r;
}

}  // namespace

JobManager::JobManager(JobManagerOptions options, std::unique_ptr<JobStore> store)
    : options_(std::move(options)),
      store_(std::move(store)),
      bus_(*store_),
      retention_(queue_, *store_, bus_, options_.keep_jobs, options_.keep_for),
      checkpointer_(*store_, mutex_),
      runner_(options_, *store_, bus_, queue_, mutex_, retention_) {}

Result<std::unique_ptr<JobManager>> JobManager::open(JobManagerOptions options) {
  auto store = JobStore::open(options.database);
  if (!store) return store.status();
  // Without a second connection SQLite's automatic checkpoint stays on:
  // slower commits now and then, same guarantees.
  (void)(*store)->use_external_checkpoints();
  std::unique_ptr<JobManager> manager(new JobManager(std::move(options), std::move(*store)));
  std::lock_guard lock(manager->mutex_.native());
  if (Status s = manager->load(); !s) return s;
  return manager;
}

JobManager::~JobManager() { shutdown(); }

Status JobManager::load() {
  auto stored = store_->load_jobs();
  if (!stored) return stored.status();
  std::vector<std::string> waiting, queued;
  for (StoredJob& s : *stored) {
    JobState& job = queue_.add(std::make_unique<JobState>(std::move(s), /*summary_stale=*/true));
    JobInfo& info = job.info();
    if (auto max_id = store_->max_event_id(info.id)) info.last_event_id = std::max(info.last_event_id, *max_id);
    if (auto books = store_->books(info.id)) {
      info.progress.current = books->size();
      for (const auto& b : *books) info.progress.bytes_done += b.file_size;
    }
    if (info.status == JobStatus::kRunning) {
      // The process died while this job ran: its stored rows are final
      // (each was committed with its `book` event), the rest is redone.
      info.status = JobStatus::kInterrupted;
      Transaction tx(*store_, bus_);
      if (!tx.status()) return tx.status();
      Status st = store_->update_job(job.stored);
      if (st) {
        st = bus_.emit(info, EventType::kInterrupted,
                       json::object{{"reason", "crash"}, {"books_done", info.progress.current}});
      }
      if (st) st = tx.commit();
      if (!st) return st;  // ~Transaction rolls back
    }
    if (info.status == JobStatus::kInterrupted) waiting.push_back(info.id);
    if (info.status == JobStatus::kQueued) queued.push_back(info.id);
    if (is_terminal(info.status)) queue_.add_finished(job);
  }
  waiting.insert(waiting.end(), queued.begin(), queued.end());
  queue_.assign_waiting(waiting);
  retention_.apply_all();
  return Status();
}

void JobManager::start() {
  std::lock_guard lock(mutex_.native());
  if (started_ || stopping_) return;
  started_ = true;
  runner_.start();
  if (store_->external_checkpoints()) checkpointer_.start();
}

void JobManager::shutdown() {
  {
    std::lock_guard lock(mutex_.native());
    stopping_ = true;
  }
  runner_.stop();
  checkpointer_.stop();
}

Result<JobState*> JobManager::find(const std::string& job_id) const {
  JobState* job = queue_.find(job_id);
  if (job == nullptr) return Result<JobState*>(ErrorCode::kJobNotFound, "no job has id " + job_id);
  return job;
}

Result<JobInfo> JobManager::submit(model::RunRequest request) {
  auto lock = mutex_.lock_for_submission();
  if (queue_.waiting() >= options_.max_queued) {
    return Result<JobInfo>(ErrorCode::kQueueFull,
                           "the queue is full (" + std::to_string(options_.max_queued) + " jobs); retry later");
  }
  StoredJob stored;
  stored.info.id = queue_.new_id();
  stored.info.status = JobStatus::kQueued;
  stored.info.created_ms = now_ms();
  stored.info.request = std::move(request);
  auto job = std::make_unique<JobState>(std::move(stored), /*summary_stale=*/false);
  Transaction tx(*store_, bus_);
  if (!tx.status()) return tx.status();
  auto seq = store_->insert_job(job->stored);
  if (!seq) return seq.status();  // ~Transaction rolls back
  job->info().seq = *seq;
  const uint64_t position = queue_.waiting() + 1;
  job->last_position_sent = position;
  JobState& ref = queue_.add(std::move(job));
  const std::string id = ref.info().id;
  if (Status s = bus_.emit(ref.info(), EventType::kQueued, json::object{{"position", position}}); !s) {
    tx.rollback();
    queue_.erase(id);
    return s;
  }
  if (Status s = tx.commit(); !s) {
    queue_.erase(id);
    return s;
  }
  queue_.push_back(id);
  runner_.wake();
  // snapshot() would search the queue for the position; it is known.
  JobInfo out = ref.info();
  out.position = position;
  return out;
}

bool JobManager::queue_full() const { return queue_.published_waiting() >= options_.max_queued; }

Result<JobInfo> JobManager::get(const std::string& job_id) const {
  std::lock_guard lock(mutex_.native());
  auto job = find(job_id);
  if (!job) return job.status();
  return queue_.snapshot(**job);
}

JobPage JobManager::list(std::optional<JobStatus> status, std::optional<uint64_t> before, size_t limit) const {
  std::lock_guard lock(mutex_.native());
  std::vector<const JobState*> all;
  all.reserve(queue_.all().size());
  for (const auto& [id, job] : queue_.all()) {
    if (status && job->info().status != *status) continue;
    if (before && job->info().seq >= *before) continue;
    all.push_back(job.get());
  }
  std::sort(all.begin(), all.end(), [](const JobState* a, const JobState* b) { return a->info().seq > b->info().seq; });
  const auto positions = queue_.positions();
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
  return QueueCounts{queue_.published_running() ? 1u : 0u, queue_.published_waiting()};
}

Result<CancelOutcome> JobManager::cancel(const std::string& job_id) {
  std::lock_guard lock(mutex_.native());
  auto found = find(job_id);
  if (!found) return found.status();
  JobState& job = **found;
  JobInfo& info = job.info();
  switch (info.status) {
    case JobStatus::kQueued:
    case JobStatus::kInterrupted: {
      queue_.remove_waiting(job_id);
      info.status = JobStatus::kCancelled;
      info.cancel_requested = true;
      info.finished_ms = now_ms();
      Transaction tx(*store_, bus_);
      if (!tx.status()) return tx.status();
      Status s = store_->update_job(job.stored);
      if (s) {
        s = bus_.emit(info, EventType::kCancelled,
                      json::object{{"summary", job.summary.summary_json(*store_, job_id)}});
      }
      if (s) s = tx.commit();
      if (!s) return s;  // ~Transaction rolls back
      job.summary.stop_tracking();
      queue_.add_finished(job);
      runner_.update_positions();
      return CancelOutcome::kCancelled;
    }
    case JobStatus::kRunning:
      if (!info.cancel_requested) {
        info.cancel_requested = true;
        runner_.cancel_running();
        if (Status s = store_->update_job(job.stored); !s) return s;
      }
      return CancelOutcome::kCancelRequested;
    case JobStatus::kCancelled: return CancelOutcome::kCancelled;
    case JobStatus::kCompleted:
    case JobStatus::kFailed: break;
  }
  return Result<CancelOutcome>(ErrorCode::kJobFinished,
                               "job " + job_id + " has already " + std::string(to_string(info.status)));
}

Status JobManager::remove(const std::string& job_id) {
  std::lock_guard lock(mutex_.native());
  auto found = find(job_id);
  if (!found) return found.status();
  const JobState& job = **found;
  if (!is_terminal(job.info().status)) {
    return Status(ErrorCode::kJobRunning,
                  "job " + job_id + " is " + std::string(to_string(job.info().status)) + "; cancel it first");
  }
  Transaction tx(*store_, bus_);
  if (!tx.status()) return tx.status();
  if (Status s = store_->delete_job(job_id); !s) return s;  // ~Transaction rolls back
  auto event = bus_.append_deleted(job.info());
  if (!event) return event.status();
  if (Status s = tx.commit(); !s) return s;
  bus_.drop_job(job_id);
  queue_.erase(job_id);
  bus_.deliver(*event);
  return Status();
}

Result<json::object> JobManager::summary(const std::string& job_id) const {
  std::lock_guard lock(mutex_.native());
  auto job = find(job_id);
  if (!job) return job.status();
  return (*job)->summary.summary_json(*store_, job_id);
}

Result<json::object> JobManager::results(const std::string& job_id) const {
  std::lock_guard lock(mutex_.native());
  auto found = find(job_id);
  if (!found) return found.status();
  JobState& job = **found;
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
  doc["summary"] = job.summary.summary_json(*store_, job_id);
  return doc;
}

Result<Subscription> JobManager::subscribe(const std::string& job_id, std::optional<uint64_t> last_event_id,
                                           std::shared_ptr<EventSink> sink) {
  std::lock_guard lock(mutex_.native());
  auto found = find(job_id);
  if (!found) return found.status();
  const JobState& job = **found;
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
  if (!sub.finished) sub.token = bus_.subscribe(job_id, std::move(sink));
  return sub;
}

Result<Subscription> JobManager::subscribe_all(std::optional<uint64_t> last_event_id, std::shared_ptr<EventSink> sink) {
  std::lock_guard lock(mutex_.native());
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
    // A full replay keeps the newest events.
    auto replay = known ? store_->global_events(*last_event_id, kMaxGlobalReplay)
                        : store_->latest_global_events(kMaxGlobalReplay);
    if (!replay) return replay.status();
    sub.replay = std::move(*replay);
  }
  sub.token = bus_.subscribe_all(std::move(sink));
  return sub;
}

void JobManager::unsubscribe(uint64_t token) {
  if (token == 0) return;
  std::lock_guard lock(mutex_.native());
  bus_.unsubscribe(token);
}

size_t JobManager::subscriber_count() const {
  std::lock_guard lock(mutex_.native());
  return bus_.subscriber_count();
}

}  // namespace epubtok::jobs
