// BookSource: the books of a run, one at a time, without listing them first.
//
// A library of a million EPUBs must not be held as a list before counting
// starts, so `count --jsonl` pulls books from a source as workers free up:
// folders are walked lazily (recursive_directory_iterator), and a
// --files-from list is read one entry at a time. A shard filter keeps only
// this task's share of the books, decided from the book's path alone, so
// every host of a cluster computes the same split without talking to the
// others.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/status.h"
#include "model/book_result.h"
#include "model/run_request.h"

namespace epubtok::count {

// Parses --shard: "K/N" (K from 0, N >= 1, K < N) or "slurm", which takes
// K = (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP
// and N = SLURM_ARRAY_TASK_COUNT from `getenv` (STEP defaults to 1).
// INVALID_ARGUMENT naming the problem otherwise.
using model::Shard;

Result<Shard> parse_shard(std::string_view text, const std::function<const char*(const char*)>& getenv = ::getenv);

// The shard a book belongs to: XXH64 (seed 0) of its shard key, modulo N.
// The key is the book's path relative to the folder it was found in, or the
// path as given (less a leading "./") for a file named directly, so the
// split depends neither on listing order, nor on the host, nor on the other
// files in the library, nor on where a folder is mounted.
uint32_t shard_of(std::string_view shard_key, uint32_t shard_count);

// One entry of a source: a book to count, or a row that is already decided
// (a path that does not exist, a folder that cannot be listed).
struct SourceItem {
  std::string path;       // as shown in results: as given, or root / relative for found files
  std::string shard_key;  // see shard_of()
  std::optional<model::BookResult> failure;
};

class BookSource {
 public:
  // The EPUBs in `paths` (files and folders, in order; folders walked
  // lazily, recursively when `recursive`; hidden sub-folders skipped).
  static std::unique_ptr<BookSource> from_paths(std::vector<std::string> paths, bool recursive);

  // One path per line (a trailing '\r' dropped, empty lines skipped), or
  // NUL-separated when `nul_separated`, read as the workers ask for books.
  // "-" is standard input. Each named file is a book whatever its
  // extension; a named folder is walked like from_paths() would.
  // IO_ERROR when `list` cannot be opened.
  static Result<std::unique_ptr<BookSource>> from_list(const std::string& list, bool nul_separated, bool recursive);

  virtual ~BookSource() = default;

  // The next item, or nullopt at the end. Not thread-safe: callers serialise.
  // Never yields two items with the same canonical file.
  std::optional<SourceItem> next();

  // Keeps only the books of `shard` (failures included: their paths are
  // keys too, so every row lands in exactly one shard).
  void set_shard(Shard shard) { shard_ = shard; }

  // Drops the items `skip` returns true for, after the shard filter: the
  // books a resumed run already has current rows for.
  void set_skip(std::function<bool(const SourceItem&)> skip) { skip_ = std::move(skip); }

  // An IO_ERROR met while reading a --files-from list after it was opened;
  // OK otherwise. Checked once next() has returned nullopt.
  const Status& error() const { return error_; }

 protected:
  BookSource(bool recursive) : recursive_(recursive) {}
  // The next path named by the user (argument or list entry), or nullopt.
  virtual std::optional<std::string> next_named() = 0;
  Status error_;

 private:
  std::optional<SourceItem> next_unfiltered();
  bool seen_before(const std::filesystem::path& path);

  bool recursive_;
  Shard shard_;
  std::function<bool(const SourceItem&)> skip_;
  // The folder being walked and the path that named it.
  std::optional<std::filesystem::recursive_directory_iterator> walk_;
  std::string walk_root_;
  // Hashes of the canonical files yielded so far: one 64-bit hash a book, the one
  // thing a source keeps per book, so that overlapping arguments (a folder
  // and a file inside it) do not count a book twice.
  std::unordered_set<uint64_t> seen_;
};

}  // namespace epubtok::count
