// The human-facing renderings of a results document: Markdown, CSV and
// errors.log. JSON lives in results_document.cc.
#include <string>

#include "results/results_document.h"

namespace epubtok::results {
using model::BookResult;
using model::BookStatus;

namespace {

std::string authors_line(const epub::Metadata& m) {
  std::string out;
  for (const auto& a : m.authors) {
    if (!out.empty()) out += "; ";
    out += a.name;
  }
  return out;
}

uint64_t count_for(const model::TokenCounts& counts, const std::string& id) {
  for (const auto& [key, n] : counts) {
    if (key == id) return n;
  }
  return 0;
}

// 1234567 → "1,234,567": Markdown is for people.
std::string grouped(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// Markdown table cells: escape pipes and backslashes, flatten line breaks.
std::string md_cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|' || c == '\\') out += '\\';
    out += (c == '\n' || c == '\r') ? ' ' : c;
  }
  return out;
}

// RFC 4180 quoting. Text cells that a spreadsheet would run as a formula
// (leading = + - @ tab CR) get a leading apostrophe: a book title must never
// execute in someone's spreadsheet (CSV injection).
std::string csv_text(std::string_view s) {
  std::string v(s);
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r')) {
    v.insert(v.begin(), '\'');
  }
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

std::string to_markdown(const ResultsDocument& doc) {
  const auto& ids = doc.options.tokenizers;
  Summary s = summarize(doc);
  std::string out = "# epubtok results\n\n";
  out += "Generated " + doc.generated_at + " by epubtok " + doc.tool_version + ".\n\n";
  out += "Books: " + grouped(s.total) + " (" + grouped(s.ok) + " counted, " + grouped(s.failed) + " failed, " +
         grouped(s.skipped) + " skipped). Words: " + grouped(s.word_count) + ".\n\n";

  out += "| Tokenizer | Tokens | Tokens per word |\n|---|---:|---:|\n";
  for (const auto& [id, n] : s.token_counts) {
    char ratio[32] = "–";
    if (s.word_count > 0) std::snprintf(ratio, sizeof ratio, "%.3f", double(n) / double(s.word_count));
    out += "| " + md_cell(id) + " | " + grouped(n) + " | " + ratio + " |\n";
  }

  out += "\n## Books\n\n| # | Title | Authors | Language | Words |";
  for (const auto& id : ids) out += " " + md_cell(id) + " |";
  out += " Status |\n|---:|---|---|---|---:|";
  for (size_t i = 0; i < ids.size(); ++i) out += "---:|";
  out += "---|\n";
  int row = 0;
  for (const BookResult& b : doc.results) {
    std::string title = b.metadata.title.empty() ? b.file_name : b.metadata.title;
    std::string lang = b.metadata.languages.empty() ? "" : b.metadata.languages.front();
    out += "| " + std::to_string(++row) + " | " + md_cell(title) + " | " + md_cell(authors_line(b.metadata)) + " | " +
           md_cell(lang) + " | ";
    bool ok = b.status == BookStatus::kOk;
    out += ok ? grouped(b.word_count) : "–";
    out += " |";
    for (const auto& id : ids) out += " " + (ok ? grouped(count_for(b.token_counts, id)) : std::string("–")) + " |";
    std::string status(model::book_status_name(b.status));
    if (b.error) status += " `" + b.error->code + "`";
    out += " " + status + " |\n";
  }

  bool any_failed = s.failed + s.skipped > 0;
  if (any_failed) {
    out += "\n## Failures\n\n| File | Code | Message |\n|---|---|---|\n";
    for (const BookResult& b : doc.results) {
      if (!b.error) continue;
      out += "| " + md_cell(b.file_path) + " | `" + b.error->code + "` | " + md_cell(b.error->message) + " |\n";
    }
  }
  return out;
}

std::string to_csv(const ResultsDocument& doc) {
  const auto& ids = doc.options.tokenizers;
  std::string out =
      "file_path,file_name,file_size,status,error_code,error_message,title,authors,language,publisher,date,isbn,"
      "series,series_index,word_count,char_count";
  for (const auto& id : ids) out += "," + csv_text("tokens_" + id);
  out += ",processing_ms\r\n";
  for (const BookResult& b : doc.results) {
    const epub::Metadata& m = b.metadata;
    std::string lang = m.languages.empty() ? "" : m.languages.front();
    out += csv_text(b.file_path) + "," + csv_text(b.file_name) + "," + std::to_string(b.file_size) + "," +
           std::string(model::book_status_name(b.status)) + "," + csv_text(b.error ? b.error->code : "") + "," +
           csv_text(b.error ? b.error->message : "") + "," + csv_text(m.title) + "," + csv_text(authors_line(m)) + "," +
           csv_text(lang) + "," + csv_text(m.publisher) + "," + csv_text(m.date) + "," + csv_text(m.isbn) + "," +
           csv_text(m.series) + "," + csv_text(m.series_index) + "," + std::to_string(b.word_count) + "," +
           std::to_string(b.char_count);
    for (const auto& id : ids) out += "," + std::to_string(count_for(b.token_counts, id));
    out += "," + std::to_string(b.processing_ms) + "\r\n";
  }
  return out;
}

std::string to_errors_log(const ResultsDocument& doc) {
  std::string out;
  for (const BookResult& b : doc.results) {
    if (!b.error) continue;
    std::string level = b.status == BookStatus::kSkipped ? "SKIPPED" : "ERROR";
    std::string message = b.error->message;
    for (char& c : message) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    out += doc.generated_at + " " + level + " " + b.error->code + " " + b.file_path + ": " + message + "\n";
  }
  return out;
}

}  // namespace epubtok::results
