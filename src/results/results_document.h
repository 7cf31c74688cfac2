// The versioned results document (schema 2.0, docs/results-schema.md):
// the in-memory form, its JSON / Markdown / CSV / errors.log renderings, an
// atomic writer for a results folder, and a reader that validates and
// normalises both our schema and the original tool's schema 1.0.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "core/status.h"
#include "count/book_result.h"

namespace epubtok::results {

inline constexpr std::string_view kSchemaVersion = "2.0";

struct RunOptions {
  std::vector<std::string> tokenizers;  // canonical ids, in column order
  std::vector<std::string> exclude;     // chapter kinds: "front", "back", "body"
  std::vector<std::string> paths;       // what the user asked to count
  bool recursive = false;
  uint64_t max_mb = 512;
  bool with_special = false;
  int jobs = 1;
};

struct Summary {
  uint64_t total = 0, ok = 0, failed = 0, skipped = 0;
  uint64_t word_count = 0, char_count = 0;  // over ok books
  count::TokenCounts token_counts;          // over ok books, one per tokenizer
};

// How exact one tokenizer column's numbers are (docs/tokenizers.md),
// recorded in the document's options as "tokenizer_exactness".
struct TokenizerExactness {
  std::string id;
  std::string exactness;  // "exact" | "exact-local-tokenizer" | "api" | "approximate"
  std::string reason;
};

struct ResultsDocument {
  std::string generated_at;  // RFC 3339 UTC, e.g. "2026-11-29T06:00:00Z"
  std::string tool_version;  // EPUBTOK_VERSION
  RunOptions options;
  // One per tokenizer of options.tokenizers that the registry knows.
  std::vector<TokenizerExactness> tokenizer_exactness;
  std::vector<count::BookResult> results;
};

// Totals over `doc.results` (computed, never stored, so it cannot disagree).
Summary summarize(const ResultsDocument& doc);
// Adds one book to `summary` as summarize() does for each row: a
// tokenizer id the summary does not have yet is appended.
void add_to_summary(Summary& summary, const count::BookResult& book);

// A new document stamped with the current time and this build's version,
// with each tokenizer's exactness as the tokenizer registry declares it.
ResultsDocument make_document(RunOptions options, std::vector<count::BookResult> results);

boost::json::object book_to_json(const count::BookResult& book);
boost::json::object summary_to_json(const Summary& summary);
boost::json::object to_json(const ResultsDocument& doc);
std::string to_json_text(const ResultsDocument& doc);  // pretty, 2-space indent, trailing newline
std::string to_markdown(const ResultsDocument& doc);
std::string to_csv(const ResultsDocument& doc);         // RFC 4180, one row per book
std::string to_errors_log(const ResultsDocument& doc);  // one line per failed/skipped book

// Writes results.json, results.md, results.csv and errors.log into `dir`
// (created if needed). Each file is written to a temporary name and renamed
// into place, so a reader never sees a half-written file. IO_ERROR on failure.
Status write_results(const ResultsDocument& doc, const std::filesystem::path& dir);

// Parses and validates a results document, ours (2.0) or the original
// tool's schema 1.0, and returns it normalised to 2.0. INVALID_JSON for
// unparsable text; INVALID_SCHEMA with one problem per line in the message
// (each naming its JSON path) otherwise.
Result<ResultsDocument> parse_results(std::string_view json_text);

}  // namespace epubtok::results
