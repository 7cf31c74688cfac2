// RunningSummary: a job's results summary (results::Summary), kept up to
// date as its rows are stored, so that answering GET /api/jobs/{id} or
// ending a job never re-reads and re-parses every row under the
// JobManager's lock.
//
// It equals results::summarize() over the rows the store holds, in index
// order, whenever it is not stale. It goes stale when it cannot follow the
// store exactly: before the first read of a job loaded from disk, when a
// row replaces one already stored at the same index, when a transaction
// holding a row is rolled back, or when a row brings a tokenizer id the
// request did not name (summarize() orders such ids by row index, this
// class would order them by arrival). A stale summary is rebuilt from the
// store on the next read.
//
// Not thread-safe: guarded by the JobManager's lock, like the store.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/status.h"
#include "results/results_document.h"

namespace epubtok::jobs {

class JobStore;

class RunningSummary {
 public:
  // An empty summary over `tokenizers` (the request's ids, in order),
  // stale when `stale` (a job whose rows are on disk already). With
  // `tracking`, the indexes of the rows are kept to detect a replaced row
  // (a job that may still store rows); without, add() only invalidates.
  RunningSummary(std::vector<std::string> tokenizers, bool stale, bool tracking);

  // Adds the row just stored at `index` (results::book_to_json() form).
  void add(int64_t index, const boost::json::object& row);
  // The store may hold rows this summary has not seen, or not hold rows
  // it has: the next summary_json() rebuilds from the store.
  void invalidate() { stale_ = true; }
  // Forgets the indexes of the rows seen, to free them once the job has
  // ended and no row will be stored again.
  void stop_tracking();

  // The summary object (results::summary_to_json()) over the rows stored
  // for `job_id`; rebuilds from `store` first when stale. A store error
  // while rebuilding yields the summary of no rows, as reading would.
  boost::json::object summary_json(JobStore& store, const std::string& job_id);

 private:
  void add_fields(const model::BookResult& book);

  std::vector<std::string> tokenizers_;
  results::Summary summary_;
  std::unordered_set<int64_t> indexes_;  // stored rows' indexes, while tracking
  bool stale_;
  bool tracking_;
};

}  // namespace epubtok::jobs
