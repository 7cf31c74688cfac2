// FakeEngine: the one scripted counting engine of the job and server tests
// (jobs::CountingEngine, without tokenizers or EPUB parsing).
//
// scan: a path containing "missing" is a failed row (FILE_NOT_FOUND); a
// folder that exists on disk is its .epub files, recursively, sorted; any
// other path is a book (no file needed). count: each book's result is
// book() (by default derived from the path: word_count = its length, one
// tokenizer "fake"), with on_start and on_book callbacks, and a gate
// (allow()) decides how many books may finish, so a test controls exactly
// where a job stands.
#pragma once

#include <chrono>
#include <climits>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "jobs/counting_engine.h"

namespace epubtok::testing {

class FakeEngine {
 public:
  // The engine; it refers to this object, which must outlive it.
  jobs::CountingEngine engine();

  // The default result for a book at `path`: file_size 100 + length,
  // word_count length, char_count 5 × length, {"fake": 2 × length}.
  static model::BookResult book_for(const std::string& path);
  // The result of each counted book; default book_for().
  std::function<model::BookResult(const std::string& path)> book = book_for;

  // Lets books finish until `n` have (default: no limit).
  void allow(int n);
  // Waits (5 s at most) until `n` books have started / finished.
  bool wait_started(int n);
  bool wait_finished(int n);

  // prepare() fails with VOCAB_MISSING.
  bool fail_prepare = false;
  // The book lists count() was called with, in order.
  std::vector<std::vector<std::string>> calls;

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  int allowed_ = INT_MAX;
  int started_ = 0;
  int finished_ = 0;
};

}  // namespace epubtok::testing
