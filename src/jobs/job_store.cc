#include "jobs/job_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <system_error>

#include <boost/json.hpp>

#include "jobs/sqlite_statement.h"

namespace epubtok::jobs {
namespace json = boost::json;

namespace {

Status db_error(sqlite3* db, std::string_view what) {
  return Status(ErrorCode::kIoError, std::string(what) + ": " + sqlite3_errmsg(db));
}

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL,
  started_ms INTEGER,
  finished_ms INTEGER,
  request TEXT NOT NULL,
  error_code TEXT,
  error_message TEXT,
  plan TEXT,
  total_books INTEGER NOT NULL DEFAULT 0,
  total_bytes INTEGER NOT NULL DEFAULT 0,
  last_event_id INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS events (
  gid INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL,
  id INTEGER NOT NULL,
  type TEXT NOT NULL,
  status TEXT NOT NULL,
  data TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_job ON events(job_id, id);
CREATE TABLE IF NOT EXISTS books (
  job_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  file_size INTEGER NOT NULL,
  row TEXT NOT NULL,
  PRIMARY KEY (job_id, idx)
);
)sql";

JobEvent read_event(SqliteStatement& s) {
  // Columns: gid, job_id, id, type, status, data, created_ms.
  JobEvent e;
  e.global_id = static_cast<uint64_t>(s.integer(0));
  e.job_id = s.text(1);
  e.id = static_cast<uint64_t>(s.integer(2));
  // Only this program writes the log, so every stored type parses.
  e.type = parse_event_type(s.text(3)).value_or(EventType::kProgress);
  e.status = parse_job_status(s.text(4)).value_or(JobStatus::kQueued);
  e.data = s.text(5);
  e.created_ms = s.integer(6);
  return e;
}

}  // namespace

Result<std::unique_ptr<JobStore>> JobStore::open(const std::filesystem::path& file) {
  using R = Result<std::unique_ptr<JobStore>>;
  if (file != ":memory:" && file.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    if (ec) return R(ErrorCode::kIoError, "cannot create " + file.parent_path().string() + ": " + ec.message());
  }
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return R(ErrorCode::kIoError, "cannot open " + file.string() + ": " + msg);
  }
  std::unique_ptr<JobStore> store(new JobStore(db, file));
  sqlite3_busy_timeout(db, 5000);
  // WAL + NORMAL: a commit is durable once it returns as far as a process
  // crash is concerned (only power loss can drop the last transactions),
  // and commits do not fsync, which keeps POST /api/jobs fast.
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=OFF"}) {
    if (Status s = store->exec(pragma); !s) return R(ErrorCode::kIoError, file.string() + ": " + s.message());
  }
  if (Status s = store->exec(kSchema); !s) return R(ErrorCode::kIoError, file.string() + ": " + s.message());
  return store;
}

JobStore::~JobStore() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close(checkpointer_);
  sqlite3_close(db_);
}

Status JobStore::use_external_checkpoints() {
  if (checkpointer_ || file_ == ":memory:") return Status();
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(file_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  // NORMAL: this connection's checkpoints sync the WAL before copying it
  // and the database file before the WAL may be rewound (SQLite's crash
  // safety for checkpoints); a read opens its view of the WAL.
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(db, "PRAGMA synchronous=NORMAL; SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    Status s(ErrorCode::kIoError, "cannot open a checkpoint connection to " + file_.string() + ": " +
                                      (db ? sqlite3_errmsg(db) : "out of memory"));
    sqlite3_close(db);
    return s;
  }
  if (Status s = exec("PRAGMA wal_autocheckpoint=0"); !s) {
    sqlite3_close(db);
    return s;
  }
  checkpointer_ = db;
  return Status();
}

Result<JobStore::CheckpointState> JobStore::checkpoint_copy() {
  if (!checkpointer_) return Result<CheckpointState>(ErrorCode::kInvalidArgument, "no checkpoint connection");
  CheckpointState state;
  // PASSIVE never takes the writer's lock and never calls the busy handler.
  int rc = sqlite3_wal_checkpoint_v2(checkpointer_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &state.wal_frames,
                                     &state.copied_frames);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) return db_error(checkpointer_, "checkpoint");
  return state;
}

sqlite3_stmt* JobStore::prepare(const char* sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) return nullptr;
  statements_.emplace(sql, stmt);
  return stmt;
}

Status JobStore::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Status(ErrorCode::kIoError, std::string("sqlite: ") + msg);
  }
  return Status();
}

Status JobStore::run(const char* sql) {
  SqliteStatement s(prepare(sql));
  if (!s.ok() || s.step() != SQLITE_DONE) return db_error(db_, sql);
  return Status();
}

Status JobStore::begin() {
  if (in_transaction_) return Status();
  Status s = run("BEGIN IMMEDIATE");
  in_transaction_ = s.is_ok();
  return s;
}

Status JobStore::commit() {
  if (!in_transaction_) return Status();
  in_transaction_ = false;
  Status s = run("COMMIT");
  // A COMMIT that fails (a full disk, an I/O error) can leave SQLite's
  // transaction open; end it, or every later begin() would fail.
  if (!s && !sqlite3_get_autocommit(db_)) rollback_open_transaction();
  return s;
}

void JobStore::rollback() {
  if (!in_transaction_) return;
  in_transaction_ = false;
  rollback_open_transaction();
}

void JobStore::rollback_open_transaction() {
  // ROLLBACK fails only when no transaction is open any more (SQLite
  // rolls back by itself after some errors): nothing is left to undo.
  (void)run("ROLLBACK");
}

namespace {

std::optional<std::string> plan_text(const StoredJob& job) {
  if (!job.plan) return std::nullopt;
  json::array a;
  for (const auto& p : *job.plan) a.emplace_back(p);
  return json::serialize(a);
}

void bind_mutable(SqliteStatement& s, const StoredJob& job, int first) {
  const JobInfo& j = job.info;
  s.bind(first, std::string(to_string(j.status)));
  s.bind(first + 1, static_cast<int64_t>(j.cancel_requested));
  s.bind_opt(first + 2, j.started_ms);
  s.bind_opt(first + 3, j.finished_ms);
  if (j.error) {
    s.bind(first + 4, j.error->code).bind(first + 5, j.error->message);
  } else {
    s.bind_null(first + 4).bind_null(first + 5);
  }
  if (auto plan = plan_text(job))
    s.bind(first + 6, *plan);
  else
    s.bind_null(first + 6);
  s.bind(first + 7, static_cast<int64_t>(j.progress.total));
  s.bind(first + 8, static_cast<int64_t>(j.progress.bytes_total));
  s.bind(first + 9, static_cast<int64_t>(j.last_event_id));
}

}  // namespace

Result<uint64_t> JobStore::insert_job(const StoredJob& job) {
  SqliteStatement s(
      prepare("INSERT INTO jobs (status, cancel_requested, started_ms, finished_ms, error_code, error_message, plan,"
              " total_books, total_bytes, last_event_id, id, created_ms, request)"
              " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  if (!s.ok()) return db_error(db_, "insert job");
  bind_mutable(s, job, 1);
  s.bind(11, job.info.id).bind(12, job.info.created_ms).bind(13, json::serialize(request_to_json(job.info.request)));
  if (s.step() != SQLITE_DONE) return db_error(db_, "insert job");
  return static_cast<uint64_t>(sqlite3_last_insert_rowid(db_));
}

Status JobStore::update_job(const StoredJob& job) {
  SqliteStatement s(prepare(
      "UPDATE jobs SET status=?, cancel_requested=?, started_ms=?, finished_ms=?, error_code=?, error_message=?,"
      " plan=?, total_books=?, total_bytes=?, last_event_id=? WHERE id=?"));
  if (!s.ok()) return db_error(db_, "update job");
  bind_mutable(s, job, 1);
  s.bind(11, job.info.id);
  if (s.step() != SQLITE_DONE) return db_error(db_, "update job");
  return Status();
}

Result<std::vector<StoredJob>> JobStore::load_jobs() {
  SqliteStatement s(
      prepare("SELECT seq, id, status, cancel_requested, created_ms, started_ms, finished_ms, request, error_code,"
              " error_message, plan, total_books, total_bytes, last_event_id FROM jobs ORDER BY seq"));
  if (!s.ok()) return db_error(db_, "load jobs");
  std::vector<StoredJob> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    StoredJob job;
    JobInfo& j = job.info;
    j.seq = static_cast<uint64_t>(s.integer(0));
    j.id = s.text(1);
    j.status = parse_job_status(s.text(2)).value_or(JobStatus::kFailed);
    j.cancel_requested = s.integer(3) != 0;
    j.created_ms = s.integer(4);
    if (!s.is_null(5)) j.started_ms = s.integer(5);
    if (!s.is_null(6)) j.finished_ms = s.integer(6);
    boost::system::error_code ec;
    json::value request = json::parse(s.text(7), ec);
    if (!ec) {
      if (auto r = request_from_json(request)) j.request = std::move(*r);
    }
    if (!s.is_null(8)) j.error = JobError{s.text(8), s.text(9)};
    if (!s.is_null(10)) {
      json::value plan = json::parse(s.text(10), ec);
      if (!ec && plan.is_array()) {
        std::vector<std::string> books;
        for (const auto& p : plan.as_array()) {
          if (p.is_string()) books.emplace_back(p.as_string());
        }
        job.plan = std::move(books);
      }
    }
    j.progress.total = static_cast<uint64_t>(s.integer(11));
    j.progress.bytes_total = static_cast<uint64_t>(s.integer(12));
    j.last_event_id = static_cast<uint64_t>(s.integer(13));
    out.push_back(std::move(job));
  }
  if (rc != SQLITE_DONE) return db_error(db_, "load jobs");
  return out;
}

Status JobStore::delete_job(const std::string& job_id) {
  for (const char* sql :
       {"DELETE FROM events WHERE job_id=?", "DELETE FROM books WHERE job_id=?", "DELETE FROM jobs WHERE id=?"}) {
    SqliteStatement s(prepare(sql));
    if (!s.ok()) return db_error(db_, "delete job");
    s.bind(1, job_id);
    if (s.step() != SQLITE_DONE) return db_error(db_, "delete job");
  }
  return Status();
}

Status JobStore::append_event(JobEvent& e) {
  SqliteStatement s(prepare("INSERT INTO events (job_id, id, type, status, data, created_ms) VALUES (?,?,?,?,?,?)"));
  if (!s.ok()) return db_error(db_, "append event");
  s.bind(1, e.job_id).bind(2, static_cast<int64_t>(e.id)).bind(3, std::string(to_string(e.type)));
  s.bind(4, std::string(to_string(e.status))).bind(5, e.data).bind(6, e.created_ms);
  if (s.step() != SQLITE_DONE) return db_error(db_, "append event");
  e.global_id = static_cast<uint64_t>(sqlite3_last_insert_rowid(db_));
  return Status();
}

Result<std::vector<JobEvent>> JobStore::job_events(const std::string& job_id, uint64_t after_id) {
  SqliteStatement s(prepare(
      "SELECT gid, job_id, id, type, status, data, created_ms FROM events WHERE job_id=? AND id>? ORDER BY id"));
  if (!s.ok()) return db_error(db_, "read events");
  s.bind(1, job_id).bind(2, static_cast<int64_t>(after_id));
  std::vector<JobEvent> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_event(s));
  if (rc != SQLITE_DONE) return db_error(db_, "read events");
  return out;
}

Result<uint64_t> JobStore::max_event_id(const std::string& job_id) {
  SqliteStatement s(prepare("SELECT COALESCE(MAX(id), 0) FROM events WHERE job_id=?"));
  if (!s.ok()) return db_error(db_, "read events");
  s.bind(1, job_id);
  if (s.step() != SQLITE_ROW) return db_error(db_, "read events");
  return static_cast<uint64_t>(s.integer(0));
}

Result<bool> JobStore::has_event(const std::string& job_id, uint64_t id) {
  SqliteStatement s(prepare("SELECT 1 FROM events WHERE job_id=? AND id=?"));
  if (!s.ok()) return db_error(db_, "read events");
  s.bind(1, job_id).bind(2, static_cast<int64_t>(id));
  int rc = s.step();
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_error(db_, "read events");
}

Result<std::vector<JobEvent>> JobStore::global_events(uint64_t after, size_t limit) {
  SqliteStatement s(
      prepare("SELECT gid, job_id, id, type, status, data, created_ms FROM events WHERE gid>? AND type<>'book'"
              " ORDER BY gid LIMIT ?"));
  if (!s.ok()) return db_error(db_, "read events");
  s.bind(1, static_cast<int64_t>(after)).bind(2, static_cast<int64_t>(limit));
  std::vector<JobEvent> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_event(s));
  if (rc != SQLITE_DONE) return db_error(db_, "read events");
  return out;
}

Result<std::vector<JobEvent>> JobStore::latest_global_events(size_t limit) {
  SqliteStatement s(
      prepare("SELECT gid, job_id, id, type, status, data, created_ms FROM events WHERE type<>'book'"
              " ORDER BY gid DESC LIMIT ?"));
  if (!s.ok()) return db_error(db_, "read events");
  s.bind(1, static_cast<int64_t>(limit));
  std::vector<JobEvent> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_event(s));
  if (rc != SQLITE_DONE) return db_error(db_, "read events");
  std::reverse(out.begin(), out.end());
  return out;
}

Result<bool> JobStore::has_global_event(uint64_t global_id) {
  SqliteStatement s(prepare("SELECT 1 FROM events WHERE gid=?"));
  if (!s.ok()) return db_error(db_, "read events");
  s.bind(1, static_cast<int64_t>(global_id));
  int rc = s.step();
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_error(db_, "read events");
}

Result<uint64_t> JobStore::last_global_id() {
  // sqlite_sequence remembers the largest gid even after rows are deleted,
  // so ids are never reused.
  SqliteStatement s(prepare("SELECT seq FROM sqlite_sequence WHERE name='events'"));
  if (!s.ok()) return db_error(db_, "read events");
  int rc = s.step();
  if (rc == SQLITE_ROW) return static_cast<uint64_t>(s.integer(0));
  if (rc == SQLITE_DONE) return uint64_t{0};
  return db_error(db_, "read events");
}

Status JobStore::trim_progress(const std::string& job_id) {
  SqliteStatement s(
      prepare("DELETE FROM events WHERE job_id=?1 AND type='progress' AND id < "
              "(SELECT MAX(id) FROM events WHERE job_id=?1 AND type='progress')"));
  if (!s.ok()) return db_error(db_, "trim events");
  s.bind(1, job_id);
  if (s.step() != SQLITE_DONE) return db_error(db_, "trim events");
  return Status();
}

Status JobStore::put_book(const std::string& job_id, const StoredBook& book) {
  SqliteStatement s(prepare("INSERT OR REPLACE INTO books (job_id, idx, file_size, row) VALUES (?,?,?,?)"));
  if (!s.ok()) return db_error(db_, "store book");
  s.bind(1, job_id).bind(2, book.index).bind(3, static_cast<int64_t>(book.file_size)).bind(4, book.row);
  if (s.step() != SQLITE_DONE) return db_error(db_, "store book");
  return Status();
}

Result<std::vector<StoredBook>> JobStore::books(const std::string& job_id) {
  SqliteStatement s(prepare("SELECT idx, file_size, row FROM books WHERE job_id=? ORDER BY idx"));
  if (!s.ok()) return db_error(db_, "read books");
  s.bind(1, job_id);
  std::vector<StoredBook> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    out.push_back(StoredBook{s.integer(0), static_cast<uint64_t>(s.integer(1)), s.text(2)});
  }
  if (rc != SQLITE_DONE) return db_error(db_, "read books");
  return out;
}

}  // namespace epubtok::jobs
