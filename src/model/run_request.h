// RunRequest: what the user asked to count, in one type for every front end.
//
// The CLI builds it from flags, the job server from a POST /api/jobs body,
// and the results document (results.json, the JSONL header) records it as
// its "options". count::make_count_options() is the one conversion to the
// counting engine's options.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "epub/book.h"

namespace epubtok::model {

// Shard K of N of a library (0 <= index < count); {0, 1} is all of it.
// count/book_source.h decides which books a shard holds.
struct Shard {
  uint32_t index = 0;
  uint32_t count = 1;
  bool operator==(const Shard&) const = default;
};

struct RunRequest {
  // Files and/or folders to count, as the user gave them (the job server
  // resolves them into absolute paths inside its library roots first).
  std::vector<std::string> paths;
  // Tokenizer ids in column order: canonical once loaded, as typed before.
  std::vector<std::string> tokenizers;
  // Descend into sub-folders of the given folders.
  bool recursive = false;
  // Chapter kinds left out of the book totals, in the order given. The
  // chapters are still listed, marked excluded.
  std::vector<epub::ChapterKind> exclude;
  // Limit on one book's uncompressed entries and total text, in MiB.
  uint64_t max_mb = 512;
  // Add each tokenizer's special-token overhead (BOS, CLS/SEP) to counts.
  bool with_special = false;
  // Books counted at once. Recorded in the results document; the job server
  // chooses its own worker count.
  int jobs = 1;
  // Leave the per-chapter rows out of the output (the totals are the same).
  bool no_chapters = false;
  // The share of the library this run counts (`count --shard`).
  Shard shard;
};

// The fields that decide what a count means: two runs agree on these or
// their rows cannot be compared or merged. Paths, jobs and the chapter
// listing do not change any number.
bool same_counting_options(const RunRequest& a, const RunRequest& b);

}  // namespace epubtok::model
