// `count --jsonl`: the streaming run. Books come from a BookSource as
// workers free up, each row is written as one JSONL line the moment it is
// done, and nothing is kept per book but a few hashes for --resume. See
// results/jsonl.h for the format and docs/scale-out.md for the workflow.
#pragma once

#include <memory>
#include <string>

#include "count/book_source.h"
#include "count/counter.h"
#include "model/run_request.h"

namespace epubtok::cli {

struct JsonlRun {
  std::string file;  // the part, or "-" for standard output
  bool resume = false;
  model::RunRequest request;  // canonical tokenizer ids; request.shard set
  count::CountOptions options;
  int jobs = 1;
};

// Runs the count and returns the exit code after printing what went wrong
// on stderr: kExitOk once the part is complete (its end line written; books
// that failed are rows in it), kExitFailures when it could not be finished,
// kExitUsage when the file cannot be resumed. With `resume`, the rows already in
// the file are kept (a torn last line and the end line dropped), only the
// books without a row for the same path, size and modification time are
// counted, and rows of books that changed or vanished are removed. The end
// line is written only after every book, so a part without it is
// incomplete. A write error (full disk, closed pipe) stops the run with
// IO_ERROR and no end line.
int run_jsonl(const JsonlRun& run, std::unique_ptr<count::BookSource> source);

}  // namespace epubtok::cli
