#include "results/results_document.h"

#include "tokenizers/registry.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <system_error>
#include <unistd.h>

#include <boost/json.hpp>

#include "results/json_pretty.h"

namespace epubtok::results {
namespace json = boost::json;
using count::BookResult;
using count::BookStatus;

namespace {

json::object token_counts_to_json(const count::TokenCounts& counts) {
  json::object out;
  for (const auto& [id, n] : counts) out[id] = n;
  return out;
}

json::array strings_to_json(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& s : items) out.emplace_back(s);
  return out;
}

json::object metadata_to_json(const epub::Metadata& m) {
  json::object out;
  out["title"] = m.title;
  json::array authors;
  for (const auto& a : m.authors) {
    authors.push_back(json::object{{"name", a.name}, {"file_as", a.file_as}, {"role", a.role}});
  }
  out["authors"] = std::move(authors);
  out["language"] = m.languages.empty() ? std::string() : m.languages.front();
  out["languages"] = strings_to_json(m.languages);
  out["publisher"] = m.publisher;
  out["date"] = m.date;
  json::array identifiers;
  for (const auto& id : m.identifiers) {
    identifiers.push_back(json::object{{"value", id.value}, {"scheme", id.scheme}});
  }
  out["identifiers"] = std::move(identifiers);
  out["isbn"] = m.isbn;
  out["subjects"] = strings_to_json(m.subjects);
  out["description"] = m.description;
  out["series"] = m.series;
  out["series_index"] = m.series_index;
  out["epub_version"] = m.epub_version;
  return out;
}

std::string utc_now_rfc3339() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Add `counts` into `total`, keeping `total`'s order and appending new ids.
void add_counts(count::TokenCounts& total, const count::TokenCounts& counts) {
  for (const auto& entry : counts) {
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one.
    auto it = std::find_if(total.begin(), total.end(), [&](const auto& p) { return p.first == entry.first; });
    if (it == total.end()) {
      total.push_back(entry);
    } else {
      it->second += entry.second;
    }
  }
}

}  // namespace

Summary summarize(const ResultsDocument& doc) {
  Summary s;
  for (const auto& id : doc.options.tokenizers) s.token_counts.emplace_back(id, 0);
  for (const BookResult& book : doc.results) add_to_summary(s, book);
  return s;
}

void add_to_summary(Summary& s, const BookResult& book) {
  ++s.total;
  switch (book.status) {
    case BookStatus::kOk:
      ++s.ok;
      s.word_count += book.word_count;
      s.char_count += book.char_count;
      add_counts(s.token_counts, book.token_counts);
      break;
    case BookStatus::kError: ++s.failed; break;
    case BookStatus::kSkipped: ++s.skipped; break;
  }
}

ResultsDocument make_document(RunOptions options, std::vector<BookResult> results) {
  ResultsDocument doc;
  doc.generated_at = utc_now_rfc3339();
  doc.tool_version = EPUBTOK_VERSION;
  doc.options = std::move(options);
  doc.results = std::move(results);
  for (const std::string& id : doc.options.tokenizers) {
    if (std::optional<tokenizers::TokenizerInfo> info = tokenizers::Registry::global().describe(id)) {
      doc.tokenizer_exactness.push_back({id, std::string(tokenizers::to_string(info->exactness)),
                                         info->exactness_reason});
    }
  }
  return doc;
}

json::object book_to_json(const BookResult& book) {
  json::object out;
  out["file_path"] = book.file_path;
  out["file_name"] = book.file_name;
  out["file_size"] = book.file_size;
  out["status"] = count::book_status_name(book.status);
  if (book.error) out["error"] = json::object{{"code", book.error->code}, {"message", book.error->message}};
  out["metadata"] = metadata_to_json(book.metadata);
  out["word_count"] = book.word_count;
  out["char_count"] = book.char_count;
  out["token_counts"] = token_counts_to_json(book.token_counts);
  // Only rows with an approximate count carry the key (docs/results-schema.md).
  if (!book.approximate_tokens.empty()) out["approximate_token_counts"] = strings_to_json(book.approximate_tokens);
  json::array chapters;
  for (const auto& c : book.chapters) {
    json::object chapter{
        {"index", c.index},
        {"title", c.title},
        {"href", c.href},
        {"kind", epub::chapter_kind_name(c.kind)},
        {"linear", c.linear},
        {"excluded", c.excluded},
        {"word_count", c.word_count},
        {"char_count", c.char_count},
        {"token_counts", token_counts_to_json(c.token_counts)},
    };
    if (!c.approximate_tokens.empty()) chapter["approximate_token_counts"] = strings_to_json(c.approximate_tokens);
    chapters.push_back(std::move(chapter));
  }
  out["chapters"] = std::move(chapters);
  out["warnings"] = strings_to_json(book.warnings);
  out["processing_ms"] = book.processing_ms;
  return out;
}

json::object summary_to_json(const Summary& s) {
  return json::object{
      {"total", s.total},           {"ok", s.ok},
      {"failed", s.failed},         {"skipped", s.skipped},
      {"word_count", s.word_count}, {"char_count", s.char_count},
      {"token_counts", token_counts_to_json(s.token_counts)},
  };
}

json::object to_json(const ResultsDocument& doc) {
  json::object out;
  out["schema_version"] = kSchemaVersion;
  out["generated_at"] = doc.generated_at;
  out["tool"] = json::object{{"name", "epubtok"}, {"version", doc.tool_version}};
  const RunOptions& o = doc.options;
  out["options"] = json::object{
      {"tokenizers", strings_to_json(o.tokenizers)},
      {"exclude", strings_to_json(o.exclude)},
      {"paths", strings_to_json(o.paths)},
      {"recursive", o.recursive},
      {"max_mb", o.max_mb},
      {"with_special", o.with_special},
      {"jobs", o.jobs},
  };
  if (!doc.tokenizer_exactness.empty()) {
    json::object exactness;
    for (const TokenizerExactness& e : doc.tokenizer_exactness) {
      exactness[e.id] = json::object{{"exactness", e.exactness}, {"reason", e.reason}};
    }
    out["options"].as_object()["tokenizer_exactness"] = std::move(exactness);
  }
  json::array rows;
  for (const BookResult& book : doc.results) rows.push_back(book_to_json(book));
  out["results"] = std::move(rows);
  out["summary"] = summary_to_json(summarize(doc));
  return out;
}

std::string to_json_text(const ResultsDocument& doc) { return pretty_json(to_json(doc)) + "\n"; }

Status write_results(const ResultsDocument& doc, const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return {ErrorCode::kIoError, "cannot create " + dir.string() + ": " + ec.message()};
  const std::pair<const char*, std::string> files[] = {
      {"results.json", to_json_text(doc)},
      {"results.md", to_markdown(doc)},
      {"results.csv", to_csv(doc)},
      {"errors.log", to_errors_log(doc)},
  };
  for (const auto& [name, content] : files) {
    // Temp file in the same directory, flushed to disk, then renamed over the
    // target: readers see the old file or the new one, never a torn one.
    std::filesystem::path target = dir / name;
    std::filesystem::path tmp = dir / ("." + std::string(name) + ".tmp" + std::to_string(::getpid()));
    {
      std::FILE* f = std::fopen(tmp.c_str(), "wb");
      if (!f) return {ErrorCode::kIoError, "cannot write " + tmp.string() + ": " + std::strerror(errno)};
      bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
      ok = std::fflush(f) == 0 && ok;
      ok = ::fsync(::fileno(f)) == 0 && ok;
      ok = std::fclose(f) == 0 && ok;
      if (!ok) {
        std::filesystem::remove(tmp, ec);
        return {ErrorCode::kIoError, "cannot write " + target.string() + ": " + std::strerror(errno)};
      }
    }
    std::filesystem::rename(tmp, target, ec);
    if (ec) {
      std::filesystem::remove(tmp, ec);
      return {ErrorCode::kIoError, "cannot rename into " + target.string() + ": " + ec.message()};
    }
  }
  return Status::ok();
}

}  // namespace epubtok::results
