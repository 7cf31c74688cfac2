#include "jobs/running_summary.h"

#include <algorithm>
#include <string_view>

#include <boost/json.hpp>

#include "jobs/job_store.h"

namespace epubtok::jobs {
namespace json = boost::json;

namespace {

// The smallest BookResult that results::Summary::add() needs, read from
// a stored row, so the summary logic stays the results module's.
model::BookResult summary_fields(const json::value& row) {
  model::BookResult book;
  if (!row.is_object()) {
    book.status = model::BookStatus::kError;
    return book;
  }
  const json::object& o = row.as_object();
  const json::value* status = o.if_contains("status");
  book.status = status && status->is_string()
                    ? model::parse_book_status(status->get_string()).value_or(model::BookStatus::kError)
                    : model::BookStatus::kError;
  auto number = [&](std::string_view key) -> uint64_t {
    const json::value* v = o.if_contains(key);
    if (!v) return 0;
    if (v->is_uint64()) return v->as_uint64();
    if (v->is_int64()) return static_cast<uint64_t>(std::max<int64_t>(0, v->as_int64()));
    return 0;
  };
  book.word_count = number("word_count");
  book.char_count = number("char_count");
  if (const json::value* tc = o.if_contains("token_counts"); tc && tc->is_object()) {
    for (const auto& kv : tc->as_object()) {
      uint64_t n = kv.value().is_uint64()  ? kv.value().as_uint64()
                   : kv.value().is_int64() ? static_cast<uint64_t>(kv.value().as_int64())
                                           : 0;
      book.token_counts.emplace_back(std::string(kv.key()), n);
    }
  }
  return book;
}

results::Summary empty_summary(const std::vector<std::string>& tokenizers) {
  results::ResultsDocument doc;
  doc.options.tokenizers = tokenizers;
  return results::summarize(doc);
}

}  // namespace

RunningSummary::RunningSummary(std::vector<std::string> tokenizers, bool stale, bool tracking)
    : tokenizers_(std::move(tokenizers)), summary_(empty_summary(tokenizers_)), stale_(stale), tracking_(tracking) {}

void RunningSummary::add(int64_t index, const json::object& row) {
  if (stale_) return;
  if (!tracking_ || !indexes_.insert(index).second) {
    stale_ = true;  // a replaced row: its old fields are not known here
    return;
  }
  add_fields(summary_fields(row));
}

void RunningSummary::add_fields(const model::BookResult& book) {
  if (book.status == model::BookStatus::kOk) {
    for (const auto& [id, n] : book.token_counts) {
      if (std::find(tokenizers_.begin(), tokenizers_.end(), id) == tokenizers_.end()) {
        stale_ = true;
        return;
      }
    }
  }
  summary_.add(book);
}

void RunningSummary::stop_tracking() {
  tracking_ = false;
  indexes_ = {};
}

json::object RunningSummary::summary_json(JobStore& store, const std::string& job_id) {
  if (stale_) {
    // The rows in index order, as results::summarize() would see them.
    results::ResultsDocument doc;
    doc.options.tokenizers = tokenizers_;
    std::vector<StoredBook> rows;
    if (auto books = store.books(job_id)) rows = std::move(*books);
    for (const auto& b : rows) {
      boost::system::error_code ec;
      doc.results.push_back(summary_fields(json::parse(b.row, ec)));
    }
    summary_ = results::summarize(doc);
    stale_ = false;
    // Rows stored from now on are added; replacing one of those already
    // stored is caught by the index set, so it must know them.
    indexes_.clear();
    if (tracking_) {
      for (const auto& b : rows) indexes_.insert(b.index);
    }
  }
  return results::summary_to_json(summary_);
}

}  // namespace epubtok::jobs
