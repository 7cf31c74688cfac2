// The versioned results document (schema 2.0, docs/results-schema.md):
// the in-memory form, its JSON / Markdown / CSV / errors.log renderings, an
// atomic writer for a results folder, and a reader that validates and
// normalises both our schema and the original tool's schema 1.0.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "core/status.h"
#include "model/book_result.h"
#include "model/run_request.h"

namespace epubtok::results {

inline constexpr std::string_view kSchemaVersion = "2.0";

struct Summary {
  uint64_t total = 0, ok = 0, failed = 0, skipped = 0;
  uint64_t word_count = 0, char_count = 0;  // over ok books
  model::TokenCounts token_counts;          // over ok books, one per tokenizer

  // An empty summary with one zero token count per id, in that order.
  static Summary for_tokenizers(const std::vector<std::string>& ids);
  // Adds one row: its status, and its counts when it is ok.
  void add(const model::BookResult& book);
  // Adds another summary over the same tokenizers (rows counted elsewhere).
  void add(const Summary& other);
};

// How exact one tokenizer column's numbers are (docs/tokenizers.md),
// recorded in the document's options as "tokenizer_exactness".
struct TokenizerExactness {
  std::string id;
  std::string exactness;  // "exact" | "exact-local-tokenizer" | "api" | "approximate"
  std::string reason;
};

struct ResultsDocument {
  std::string generated_at;   // RFC 3339 UTC, e.g. "2026-11-29T06:00:00Z"
  std::string tool_version;   // EPUBTOK_VERSION
  model::RunRequest options;  // recorded as the document's "options"
  // One per tokenizer of options.tokenizers that the registry knows.
  std::vector<TokenizerExactness> tokenizer_exactness;
  std::vector<model::BookResult> results;
};

// Totals over `doc.results` (computed, never stored, so it cannot disagree).
Summary summarize(const ResultsDocument& doc);

// A new document stamped with the current time and this build's version,
// with each tokenizer's exactness as the tokenizer registry declares it.
ResultsDocument make_document(model::RunRequest options, std::vector<model::BookResult> results);

boost::json::object book_to_json(const model::BookResult& book);
boost::json::object summary_to_json(const Summary& summary);
// The document's "options" object: what the run was asked to count.
boost::json::object options_to_json(const model::RunRequest& options);
boost::json::object to_json(const ResultsDocument& doc);
std::string to_json_text(const ResultsDocument& doc);  // pretty, 2-space indent, trailing newline

// The full results.json row of book `index` when doc.results holds less
// than the row (`merge` keeps one summary row per book, without chapters,
// and re-reads each full row from its JSONL part while writing).
using RowJson = std::function<Result<boost::json::object>(size_t index)>;

// Writes the document as to_json_text() would, a piece at a time through
// `sink`, taking each row from `row_json` (book_to_json of doc.results[i]
// when empty). The summary is computed from doc.results. Stops at the first
// error of `row_json` or `sink` and returns it.
Status write_json_document(const ResultsDocument& doc, const RowJson& row_json,
                           const std::function<Status(std::string_view)>& sink);
std::string to_markdown(const ResultsDocument& doc);
std::string to_csv(const ResultsDocument& doc);         // RFC 4180, one row per book
std::string to_errors_log(const ResultsDocument& doc);  // one line per failed/skipped book

// Writes results.json, results.md, results.csv and errors.log into `dir`
// (created if needed). Each file is written to a temporary name and renamed
// into place, so a reader never sees a half-written file. IO_ERROR on failure.
// results.json is streamed (write_json_document with `row_json`), so a
// document need not fit in memory as text.
Status write_results(const ResultsDocument& doc, const std::filesystem::path& dir, const RowJson& row_json = {});

// Parses and validates a results document, ours (2.0) or the original
// tool's schema 1.0, and returns it normalised to 2.0. INVALID_JSON for
// unparsable text; INVALID_SCHEMA with one problem per line in the message
// (each naming its JSON path) otherwise.
Result<ResultsDocument> parse_results(std::string_view json_text);

// One results.json row (schema 2.0), validated as parse_results() does;
// chapters are skipped unless `with_chapters`. INVALID_SCHEMA listing the
// problems, each with its path below `where` (e.g. "$").
Result<model::BookResult> parse_book_row(const boost::json::value& row, bool with_chapters,
                                         const std::string& where = "$");
// A document's "options" object. INVALID_SCHEMA listing the problems.
Result<model::RunRequest> parse_run_options(const boost::json::value& options, const std::string& where = "$.options");

}  // namespace epubtok::results
