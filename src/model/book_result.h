// BookResult: what counting one EPUB produced — the row of the results
// document. Plain data: count/ produces it, results/ serialises it, cli/ and
// jobs/ pass it on. It lives here, below both count/ and results/, so that
// neither has to include the other.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "epub/book.h"

namespace epubtok::model {

// Token counts keyed by canonical tokenizer id, in the order the user listed
// the tokenizers (a vector, not a map, so output columns keep that order).
using TokenCounts = std::vector<std::pair<std::string, uint64_t>>;

struct ChapterResult {
  int index = 0;
  std::string title;
  std::string href;
  epub::ChapterKind kind = epub::ChapterKind::kBody;
  bool linear = true;
  bool excluded = false;  // its kind is in RunRequest::exclude: not in the book totals
  uint64_t word_count = 0;
  uint64_t char_count = 0;
  TokenCounts token_counts;
  // Ids of the tokenizers whose count here is approximate: a tokenizer
  // behind an API counted this chapter in parts (too long for one request).
  std::vector<std::string> approximate_tokens;
};

enum class BookStatus { kOk, kError, kSkipped };
// "ok" | "error" | "skipped": the stable names used in every output.
constexpr std::string_view book_status_name(BookStatus status) {
  switch (status) {
    case BookStatus::kOk: return "ok";
    case BookStatus::kError: return "error";
    case BookStatus::kSkipped: return "skipped";
  }
  return "error";
}
// Inverse of book_status_name(); nullopt for any other string.
constexpr std::optional<BookStatus> parse_book_status(std::string_view name) {
  for (BookStatus status : {BookStatus::kOk, BookStatus::kError, BookStatus::kSkipped}) {
    if (book_status_name(status) == name) return status;
  }
  return std::nullopt;
}

struct BookError {
  std::string code;  // a stable code from core/error_codes.h, e.g. "EPUB_DRM"
  std::string message;
};

struct BookResult {
  std::string file_path;  // as given / found (absolute when found by scanning a folder)
  std::string file_name;  // the last path component
  uint64_t file_size = 0;
  BookStatus status = BookStatus::kOk;
  std::optional<BookError> error;  // set unless status == kOk
  epub::Metadata metadata;
  uint64_t word_count = 0;  // of the counted (non-excluded) text
  uint64_t char_count = 0;
  TokenCounts token_counts;
  // Ids of the tokenizers whose book count is approximate: one of the
  // counted chapters lists it in its approximate_tokens.
  std::vector<std::string> approximate_tokens;
  std::vector<ChapterResult> chapters;
  std::vector<std::string> warnings;
  uint64_t processing_ms = 0;
};

}  // namespace epubtok::model
