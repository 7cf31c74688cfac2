// The counting pipeline: EPUB paths → BookResults.
//
//   find_epubs()    expands files and folders into the list of books to count;
//   count_book()    reads one book and counts words, characters and tokens;
//   count_stream()  counts many books on a pool of workers, which share the
//                   parts of a large book when they run out of books;
//   count_library() the same over a list, with progress callbacks and
//                   cooperative cancellation.
//
// Used by the CLI and the job server alike; knows nothing of either.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"
#include "count/book_source.h"
#include "epub/book.h"
#include "model/book_result.h"
#include "model/run_request.h"
#include "tokenizers/tokenizer.h"

namespace epubtok::count {

// The unit of work one book's text is cut into when several workers count
// (see count_stream): chapters of at least twice this are counted in
// stretches of one to two times this (longer where no cut is found), smaller
// ones in bundles of less than twice this (or one such chapter). Counting a
// part still costs thousands of times what handing it to another worker and
// finding its cut cost (a lock, usually a few bytes of search), and parts
// are small enough that the workers of one book finish within milliseconds
// of each other, even for the slowest tokenizer and script.
inline constexpr uint64_t kPartBytes = uint64_t{128} << 10;

struct CountOptions {
  // Loaded tokenizers, in output order. Required; shared, immutable.
  std::vector<std::shared_ptr<const tokenizers::Tokenizer>> tokenizers;
  // Chapter kinds left out of the book totals (still listed, marked excluded).
  // Default: none — the whole spine, linear="no" items included.
  std::set<epub::ChapterKind> exclude;
  // Limit on uncompressed entry size and total text per book. Default 512 MiB.
  uint64_t max_bytes = 512ull << 20;
  // Add each tokenizer's special_overhead() to book and chapter counts.
  bool with_special = false;
  // kPartBytes, smaller in tests to cut small books into many stretches.
  // Counts never depend on it (nor on the number of workers).
  uint64_t part_bytes = kPartBytes;
};

// Loads tokenizers by id or alias from the global registry, in parallel
// (each vocabulary takes 0.05-1 s), dropping repeats of one tokenizer named
// twice (by two aliases, say). The first failure in the order named is
// returned (UNKNOWN_TOKENIZER, VOCAB_MISSING, …).
Result<std::vector<std::shared_ptr<const tokenizers::Tokenizer>>> load_tokenizers(
    const std::vector<std::string>& names);

// The one conversion from what the user asked for to the engine's options:
// loads request.tokenizers (load_tokenizers) and carries over the exclusions,
// the size limit and with_special.
Result<CountOptions> make_count_options(const model::RunRequest& request);

// A row for a book that could not be counted: status kError (kSkipped for
// EPUB_DRM), the code's name and `message`, the path and its file name.
model::BookResult failed_book(std::string path, ErrorCode code, std::string message);

// A file or folder the user named, expanded. Problems (a path that does not
// exist, an unreadable folder) become failed BookResults in `failures` rather
// than aborting the scan, so they are reported like any other failed book.
struct ScanResult {
  std::vector<std::string> books;           // .epub files, sorted, duplicates removed
  std::vector<model::BookResult> failures;  // status kError, code FILE_NOT_FOUND / FILE_UNREADABLE
};
ScanResult find_epubs(const std::vector<std::string>& paths, bool recursive);

// Counts one book on the calling thread. Never throws; every problem
// becomes a model::BookResult with status kError or kSkipped (DRM) and a
// stable error code, including a chapter a tokenizer behind an API could
// not count (API_ERROR, API_RATE_LIMITED; CANCELLED once *cancel becomes
// true, which aborts the requests in flight). Thread-safe.
model::BookResult count_book(const std::string& path, const CountOptions& options,
                             const std::atomic<bool>* cancel = nullptr);

struct LibraryProgress {
  size_t done = 0;           // books finished (ok or not)
  size_t total = 0;          // books in the run
  uint64_t bytes_done = 0;   // file bytes of the finished books
  uint64_t bytes_total = 0;  // file bytes of all books in the run
  std::string current_file;  // file name of a book in flight (most recently started)
};

struct LibraryCallbacks {
  // Called from worker threads, serialised (never concurrently), when a book
  // starts. May be empty.
  std::function<void(const LibraryProgress&)> on_start;
  // Called serialised, with the finished book's row and the progress after it.
  std::function<void(const model::BookResult&, const LibraryProgress&)> on_book;
};

// Counts every book `source` yields with `jobs` worker threads (>= 1), and
// hands each row to `on_book` (serialised, in completion order; rows of
// the source's failures pass straight through). Each worker reads a book
// and counts it; a worker with no book left to start helps count the books
// still in flight, whose text is cut into parts (CountOptions::part_bytes)
// at places where every count is additive (clean splits of each tokenizer,
// ASCII white space for words), so one large book does not keep the run
// waiting on a single thread. A tokenizer behind an API counts whole
// chapters, as with one worker. Counts are the same for every `jobs`. At
// most one book per worker is in flight; nothing of a book is held once its
// row is handed over. progress.total and bytes_total stay 0: a stream's
// length is not known in advance. When `cancel` becomes true no further
// book is taken from the source; books in flight finish (a book waiting on
// an API request stops at once, as a CANCELLED row). An IO_ERROR reading a
// --files-from list (source.error()) is returned.
Status count_stream(BookSource& source, const CountOptions& options, int jobs,
                    const std::function<void(const model::BookResult&, const LibraryProgress&)>& on_book,
                    const std::atomic<bool>* cancel = nullptr);

// count_stream() over `books`, with progress: returns the rows in the order
// of `books`. Books start largest file first, so the last to finish are
// small ones and the workers run out of work together. When `cancel`
// becomes true no further book is started; books in flight finish and are
// returned, books never started are absent.
std::vector<model::BookResult> count_library(const std::vector<std::string>& books, const CountOptions& options,
                                             int jobs, const LibraryCallbacks& callbacks = {},
                                             const std::atomic<bool>* cancel = nullptr);

}  // namespace epubtok::count
