// A counting job as the job server sees it: the request, the lifecycle
// states, progress, and the events a job emits. Plain data plus its JSON
// form; the queue and the runner live in job_queue.h and job_runner.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/status.h"
#include "model/run_request.h"

namespace epubtok::jobs {

// queued → running → completed | failed | cancelled. A running job whose
// process stopped becomes interrupted and is resumed (running again) on the
// next start. queued → cancelled directly on cancel.
enum class JobStatus { kQueued, kRunning, kCompleted, kFailed, kCancelled, kInterrupted };

// "queued", "running", "completed", "failed", "cancelled", "interrupted".
std::string_view to_string(JobStatus status);
// Inverse of to_string(JobStatus); nullopt for anything else.
std::optional<JobStatus> parse_job_status(std::string_view name);
// completed, failed and cancelled: nothing will ever happen to the job again.
bool is_terminal(JobStatus status);

// The kinds of entries in a job's event log (docs/api.md, "Events"); the
// SSE `event:` field carries to_string() of it.
enum class EventType {
  kQueued,       // {position}
  kStarted,      // {total_books, total_bytes}
  kResumed,      // {books_done, books_remaining}
  kProgress,     // progress_to_json() plus ts
  kBook,         // one results row (per-job stream only)
  kCompleted,    // {summary}
  kFailed,       // {error}
  kCancelled,    // {summary}
  kInterrupted,  // {reason, books_done}
  kDeleted,      // {} (all-jobs stream only)
};

// "queued", "started", "resumed", "progress", "book", "completed", "failed",
// "cancelled", "interrupted", "deleted".
std::string_view to_string(EventType type);
// Inverse of to_string(EventType); nullopt for anything else.
std::optional<EventType> parse_event_type(std::string_view name);
// completed, failed, cancelled: the events that end a job's stream.
bool is_terminal(EventType type);

// The API shape of a job request (POST /api/jobs, GET /api/jobs/{id}
// "request"). Paths are already resolved by the caller (the server's path
// policy) into absolute files or folders.
boost::json::object request_to_json(const model::RunRequest& request);
// Parses the POST /api/jobs body shape; "recursive" defaults to true here.
// Unknown fields are ignored; a wrong
// type or an out-of-range value is INVALID_ARGUMENT naming the field.
// Does not check paths or tokenizer ids (the caller does).
Result<model::RunRequest> request_from_json(const boost::json::value& body);

struct Progress {
  uint64_t current = 0;      // books finished
  uint64_t total = 0;        // books in the job (0 until the scan is done)
  uint64_t bytes_done = 0;   // file bytes of finished books
  uint64_t bytes_total = 0;  // file bytes of all books
  std::string file_name;     // a book in flight, or the last finished one
  std::optional<double> eta_s;

  // 0..100: by bytes when bytes_total > 0, else by books.
  double percent() const;
};
boost::json::object progress_to_json(const Progress& progress);

struct JobError {
  std::string code;  // from core/error_codes.h
  std::string message;
};

// One entry of a job's event log. `id` increases by one per job, starting at
// 1; `global_id` increases across all jobs (the /api/events stream's ids).
struct JobEvent {
  std::string job_id;
  uint64_t id = 0;
  uint64_t global_id = 0;
  EventType type = EventType::kQueued;
  std::string data;                       // one-line JSON payload of the job stream
  JobStatus status = JobStatus::kQueued;  // the job's status after this event
  int64_t created_ms = 0;                 // Unix time, milliseconds

  // The payload of the all-jobs stream: `data` plus "job_id" and "status".
  std::string global_data() const;
  // Terminal events end a job's stream: completed, failed, cancelled.
  bool is_terminal() const;
};

// A snapshot of one job, as GET /api/jobs/{id} shows it (minus results).
struct JobInfo {
  std::string id;
  uint64_t seq = 0;  // creation order; the list cursor
  JobStatus status = JobStatus::kQueued;
  bool cancel_requested = false;
  std::optional<uint64_t> position;  // 1-based, while queued
  int64_t created_ms = 0;
  std::optional<int64_t> started_ms;
  std::optional<int64_t> finished_ms;
  model::RunRequest request;
  Progress progress;
  std::optional<JobError> error;
  uint64_t last_event_id = 0;
};

// RFC 3339 UTC with seconds, e.g. "2026-11-29T06:00:00Z".
std::string format_time_ms(int64_t unix_ms);
// Milliseconds since the Unix epoch, from the system clock.
int64_t now_ms();

}  // namespace epubtok::jobs
