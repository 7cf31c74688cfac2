// CountingEngine: the seam between the job runner and the counting pipeline.
//
// The runner only needs three operations — expand paths into books, load the
// tokenizers a request names, and count a list of books with callbacks and a
// cancel flag. Keeping them behind function objects lets the job tests drive
// the runner with a scripted engine (exact timing, failures, slow books)
// while production uses count/counter.h and the tokenizer registry.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "count/counter.h"
#include "jobs/job.h"

namespace epubtok::jobs {

struct CountingEngine {
  // Expands files and folders into books (count::find_epubs semantics).
  std::function<count::ScanResult(const std::vector<std::string>& paths, bool recursive)> scan;
  // Loads the request's tokenizers and builds the counting options. An
  // error (VOCAB_MISSING, UNKNOWN_TOKENIZER, …) fails the whole job.
  std::function<Result<count::CountOptions>(const model::RunRequest& request)> prepare;
  // Counts `books` (count::count_library semantics: rows in input order,
  // callbacks serialised, no new book started once *cancel is true).
  std::function<std::vector<model::BookResult>(
      const std::vector<std::string>& books, const count::CountOptions& options, int workers,
      const count::LibraryCallbacks& callbacks, const std::atomic<bool>* cancel)>
      count;
};

// The production engine: count::find_epubs, count::count_library and
// tokenizers::Registry::global(). Thread-safe.
CountingEngine default_counting_engine();

}  // namespace epubtok::jobs
