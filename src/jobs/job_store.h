// JobStore: the SQLite file that makes jobs durable — job rows, each job's
// event log and each finished book's result row.
//
// Every write is committed before the call returns (WAL journal,
// synchronous=NORMAL: survives a killed process, which is the failure the
// job server must resume from). Statements are prepared once and reused
// for the life of the store. Not thread-safe: JobManager serialises all
// access under its own mutex — except checkpoint_copy(), which uses its own
// connection and may run on one other thread at the same time.
//
// Checkpoints (copying the WAL back into the database file, with two
// fsyncs) are the one slow write: SQLite's automatic checkpoint runs them
// inside whichever commit crosses 1,000 WAL pages, i.e. on the request or
// event path, under JobManager's lock. use_external_checkpoints() moves
// them to a second connection: the copy and its fsyncs run beside the
// writer, and only the short completion step needs the writer idle.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "jobs/job.h"

struct sqlite3;
struct sqlite3_stmt;

namespace epubtok::jobs {

struct StoredJob {
  JobInfo info;  // position is not stored (derived from the queue)
  // The books to count, fixed when the job's scan finishes; nullopt before.
  // Resuming counts the entries of `plan` that have no stored book row.
  std::optional<std::vector<std::string>> plan;
};

struct StoredBook {
  int64_t index = 0;       // order in the results document
  uint64_t file_size = 0;  // for progress after a resume
  std::string row;         // the results document's JSON row for this book
};

class JobStore {
 public:
  // Opens (creating if needed, with its parent folders) the database at
  // `file`; ":memory:" gives a private in-memory store for tests.
  // IO_ERROR naming the file when it cannot be opened or migrated.
  static Result<std::unique_ptr<JobStore>> open(const std::filesystem::path& file);
  ~JobStore();
  JobStore(const JobStore&) = delete;
  JobStore& operator=(const JobStore&) = delete;

  // Groups the writes until commit() into one atomic transaction (use
  // jobs::Transaction, transaction.h, rather than these three directly).
  // rollback() undoes them; both are no-ops without begin(). A commit()
  // that fails leaves no transaction open (its writes are undone).
  Status begin();
  Status commit();
  void rollback();
  bool in_transaction() const { return in_transaction_; }

  // Inserts a new job; its info.seq is assigned and returned.
  Result<uint64_t> insert_job(const StoredJob& job);
  // Overwrites the mutable fields (status, times, error, plan, progress
  // totals, cancel flag, last event id) of the job with job.info.id.
  Status update_job(const StoredJob& job);
  // Every job, oldest first.
  Result<std::vector<StoredJob>> load_jobs();
  // Removes the job, its events and its book rows. OK if absent.
  Status delete_job(const std::string& job_id);

  // Appends `event` (job_id, id, type, data, status, created_ms set by the
  // caller); sets event.global_id.
  Status append_event(JobEvent& event);
  // The job's events with id > after_id, in id order.
  Result<std::vector<JobEvent>> job_events(const std::string& job_id, uint64_t after_id);
  // The largest event id of the job's log (0 when empty).
  Result<uint64_t> max_event_id(const std::string& job_id);
  // Whether the job's log still holds event `id`.
  Result<bool> has_event(const std::string& job_id, uint64_t id);
  // Events of all jobs with global_id > after, in order, leaving out
  // `book` rows; at most `limit`.
  Result<std::vector<JobEvent>> global_events(uint64_t after, size_t limit);
  // The newest `limit` events of all jobs, leaving out `book` rows, in
  // order (a full replay of the all-jobs stream, bounded).
  Result<std::vector<JobEvent>> latest_global_events(size_t limit);
  // Whether the log still holds the event with this global id.
  Result<bool> has_global_event(uint64_t global_id);
  // The largest global id ever assigned (0 for an empty store).
  Result<uint64_t> last_global_id();
  // Deletes the job's progress events except the newest one: after a job
  // ends they are redundant, and the log stays small. Replaying from a
  // deleted id then counts as "trimmed".
  Status trim_progress(const std::string& job_id);

  struct CheckpointState {
    int wal_frames = 0;     // frames in the WAL
    int copied_frames = 0;  // of those, frames now in the database file
  };
  // Turns off the automatic checkpoint of the main connection and opens a
  // second connection for checkpoint_copy() / checkpoint_complete(). OK and
  // nothing changes for ":memory:". IO_ERROR when the second connection
  // cannot be opened; the automatic checkpoint then stays on.
  Status use_external_checkpoints();
  bool external_checkpoints() const { return checkpointer_ != nullptr; }
  // Copies WAL frames into the database file and syncs both (SQLite's
  // PASSIVE checkpoint on the second connection): never waits for or
  // blocks the main connection, so frames committed meanwhile stay in the
  // WAL. Safe to call while another thread uses the store's other
  // functions; not from two threads at once. IO_ERROR from SQLite;
  // INVALID_ARGUMENT without use_external_checkpoints().
  Result<CheckpointState> checkpoint_copy();
  // The same copy, to be called while the main connection is idle (the
  // caller holds the lock that serialises it) and right after
  // checkpoint_copy(), so only the frames committed in between are left:
  // it completes the checkpoint and the next write rewinds the WAL, which
  // bounds its size. Same errors.
  Result<CheckpointState> checkpoint_complete() { return checkpoint_copy(); }

  // Stores (or replaces) the result row of book `index` of the job.
  Status put_book(const std::string& job_id, const StoredBook& book);
  // The job's book rows, by index.
  Result<std::vector<StoredBook>> books(const std::string& job_id);

 private:
  explicit JobStore(sqlite3* db, std::filesystem::path file) : db_(db), file_(std::move(file)) {}
  Status exec(const char* sql);
  // Runs a statement that returns no rows, prepared once.
  Status run(const char* sql);
  // Ends SQLite's open transaction, undoing its writes.
  void rollback_open_transaction();
  // The cached prepared statement for `sql` (a string literal: the cache is
  // keyed by its address); nullptr when it does not compile.
  sqlite3_stmt* prepare(const char* sql);

  sqlite3* db_;
  std::filesystem::path file_;
  sqlite3* checkpointer_ = nullptr;  // use_external_checkpoints()
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
  bool in_transaction_ = false;
};

}  // namespace epubtok::jobs
