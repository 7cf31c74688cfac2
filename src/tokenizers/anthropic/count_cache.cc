#include "tokenizers/anthropic/count_cache.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <ctime>

namespace epubtok::tokenizers::anthropic {
namespace fs = std::filesystem;
namespace {

constexpr const char* kSchema =
    "PRAGMA journal_mode=WAL;"
    "CREATE TABLE IF NOT EXISTS token_counts("
    "  model TEXT NOT NULL,"
    "  text_sha256 TEXT NOT NULL,"
    "  input_tokens INTEGER NOT NULL,"
    "  text_bytes INTEGER NOT NULL,"
    "  stored_at INTEGER NOT NULL,"
    "  PRIMARY KEY (model, text_sha256)) WITHOUT ROWID;";

// A statement finalised on scope exit.
struct Statement {
  sqlite3_stmt* stmt = nullptr;
  Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr); }
  ~Statement() { sqlite3_finalize(stmt); }
  explicit operator bool() const { return stmt != nullptr; }
};

sqlite3* open_db(const fs::path& file, bool create, std::string& error) {
  std::error_code ec;
  if (create) fs::create_directories(file.parent_path(), ec);
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(file.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    error = "cannot open the token-count cache " + file.string() + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return nullptr;
  }
  // Several processes (shards of one library) may share the file.
  sqlite3_busy_timeout(db, 10'000);
  char* msg = nullptr;
  if (sqlite3_exec(db, kSchema, nullptr, nullptr, &msg) != SQLITE_OK) {
    error = "cannot use the token-count cache " + file.string() + ": " + (msg ? msg : "unknown error");
    sqlite3_free(msg);
    sqlite3_close(db);
    return nullptr;
  }
  return db;
}

}  // namespace

fs::path default_cache_dir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && *xdg && fs::path(xdg).is_absolute()) return fs::path(xdg) / "epubtok";
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : "/tmp") / ".cache" / "epubtok";
}

fs::path default_cache_file() { return default_cache_dir() / "api-token-counts.sqlite"; }

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(size_t{2} * length);
  for (unsigned i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

CountCache::CountCache(fs::path file) : file_(std::move(file)) { db_ = open_db(file_, true, error_); }

CountCache::~CountCache() { sqlite3_close(db_); }

std::optional<uint64_t> CountCache::find(std::string_view model, std::string_view text) {
  std::string key = sha256_hex(text);
  std::lock_guard lock(mutex_);
  if (!db_) return std::nullopt;
  Statement s(db_, "SELECT input_tokens FROM token_counts WHERE model = ?1 AND text_sha256 = ?2");
  if (!s) return std::nullopt;
  sqlite3_bind_text(s.stmt, 1, model.data(), int(model.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(s.stmt, 2, key.data(), int(key.size()), SQLITE_TRANSIENT);
  if (sqlite3_step(s.stmt) != SQLITE_ROW) return std::nullopt;
  return uint64_t(sqlite3_column_int64(s.stmt, 0));
}

void CountCache::store(std::string_view model, std::string_view text, uint64_t input_tokens) {
  std::string key = sha256_hex(text);
  std::lock_guard lock(mutex_);
  if (!db_) return;
  Statement s(db_,
              "INSERT OR REPLACE INTO token_counts(model, text_sha256, input_tokens, text_bytes, stored_at) "
              "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!s) return;
  sqlite3_bind_text(s.stmt, 1, model.data(), int(model.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(s.stmt, 2, key.data(), int(key.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(s.stmt, 3, sqlite3_int64(input_tokens));
  sqlite3_bind_int64(s.stmt, 4, sqlite3_int64(text.size()));
  sqlite3_bind_int64(s.stmt, 5, sqlite3_int64(std::time(nullptr)));
  // A failed store only costs a request next time; remember why for last_error().
  if (sqlite3_step(s.stmt) != SQLITE_DONE) error_ = "cannot write " + file_.string() + ": " + sqlite3_errmsg(db_);
}

std::string CountCache::last_error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

Result<CacheStats> cache_stats(const fs::path& file) {
  CacheStats stats;
  stats.file = file;
  std::error_code ec;
  if (!fs::exists(file, ec)) return stats;
  stats.exists = true;
  stats.file_bytes = fs::file_size(file, ec);
  std::string error;
  sqlite3* db = open_db(file, false, error);
  if (!db) return Status(ErrorCode::kIoError, error);
  {
    Statement s(db, "SELECT model, COUNT(*) FROM token_counts GROUP BY model ORDER BY model");
    while (s && sqlite3_step(s.stmt) == SQLITE_ROW) {
      uint64_t n = uint64_t(sqlite3_column_int64(s.stmt, 1));
      stats.entries_by_model[reinterpret_cast<const char*>(sqlite3_column_text(s.stmt, 0))] = n;
      stats.entries += n;
    }
  }
  sqlite3_close(db);
  return stats;
}

Result<uint64_t> clear_cache(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return uint64_t{0};
  std::string error;
  sqlite3* db = open_db(file, false, error);
  if (!db) return Status(ErrorCode::kIoError, error);
  char* msg = nullptr;
  int rc = sqlite3_exec(db, "DELETE FROM token_counts", nullptr, nullptr, &msg);
  uint64_t removed = uint64_t(sqlite3_changes64(db));
  if (rc == SQLITE_OK) rc = sqlite3_exec(db, "VACUUM", nullptr, nullptr, &msg);
  std::string why = msg ? msg : "";
  sqlite3_free(msg);
  sqlite3_close(db);
  if (rc != SQLITE_OK) return Status(ErrorCode::kIoError, "cannot clear " + file.string() + ": " + why);
  return removed;
}

}  // namespace epubtok::tokenizers::anthropic
