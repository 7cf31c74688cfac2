// CountCache: token counts already obtained from a token-counting API, kept
// on disk so that counting a library again costs no request.
//
// Keyed by (model, SHA-256 of the exact text sent); the value is the
// `input_tokens` Anthropic answered for one user message with that text, the
// framing included (the caller subtracts the framing). One SQLite file,
// $XDG_CACHE_HOME/epubtok/api-token-counts.sqlite by default, shared safely
// by concurrent processes (WAL, busy timeout). A cache that cannot be opened
// or written is never an error for counting: lookups miss and stores are
// dropped, and last_error() says why.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace epubtok::tokenizers::anthropic {

// $XDG_CACHE_HOME/epubtok, else $HOME/.cache/epubtok.
std::filesystem::path default_cache_dir();
// default_cache_dir() / "api-token-counts.sqlite".
std::filesystem::path default_cache_file();

// Lower-case hex SHA-256 of `text`.
std::string sha256_hex(std::string_view text);

struct CacheStats {
  std::filesystem::path file;
  bool exists = false;
  uint64_t entries = 0;
  uint64_t file_bytes = 0;
  std::map<std::string, uint64_t> entries_by_model;
};

class CountCache {
 public:
  // Opens (creating folders and the file as needed) `file`. Never fails: a
  // cache that cannot be opened behaves as an empty one that stores nothing.
  explicit CountCache(std::filesystem::path file);
  ~CountCache();
  CountCache(const CountCache&) = delete;
  CountCache& operator=(const CountCache&) = delete;

  // The cached input_tokens for (model, text), or nullopt. Thread-safe.
  std::optional<uint64_t> find(std::string_view model, std::string_view text);
  // Stores input_tokens for (model, text), replacing any older value. Thread-safe.
  void store(std::string_view model, std::string_view text, uint64_t input_tokens);

  // Why the cache is not working ("" when it is).
  std::string last_error() const;
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  mutable std::mutex mutex_;  // guards db_ and error_; SQLite calls are short
  sqlite3* db_ = nullptr;
  std::string error_;
};

// What `epubtok cache stats` prints. A missing file is not an error (no
// entries); an unreadable one is IO_ERROR naming it.
Result<CacheStats> cache_stats(const std::filesystem::path& file);
// Deletes every entry (the file stays, empty). A missing file is fine.
// Returns the number of entries removed; IO_ERROR naming the file on failure.
Result<uint64_t> clear_cache(const std::filesystem::path& file);

}  // namespace epubtok::tokenizers::anthropic
