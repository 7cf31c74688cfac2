#include "results/results_document.h"

#include "tokenizers/registry.h"

#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <system_error>

#include <boost/json.hpp>

#include "results/json_pretty.h"

namespace epubtok::results {
namespace json = boost::json;
using model::BookResult;
using model::BookStatus;

namespace {

json::object token_counts_to_json(const model::TokenCounts& counts) {
  json::object out;
  for (const auto& [id, n] : counts) out[id] = n;
  return out;
}

json::array strings_to_json(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& s : items) out.emplace_back(s);
  return out;
}

json::array kinds_to_json(const std::vector<epub::ChapterKind>& kinds) {
  json::array out;
  for (epub::ChapterKind kind : kinds) out.emplace_back(epub::chapter_kind_name(kind));
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
void add_counts(model::TokenCounts& total, const model::TokenCounts& counts) {
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

Summary Summary::for_tokenizers(const std::vector<std::string>& ids) {
  Summary s;
  for (const auto& id : ids) s.token_counts.emplace_back(id, 0);
  return s;
}

void Summary::add(const BookResult& book) {
  ++total;
  switch (book.status) {
    case BookStatus::kOk:
      ++ok;
      word_count += book.word_count;
      char_count += book.char_count;
      add_counts(token_counts, book.token_counts);
      break;
    case BookStatus::kError: ++failed; break;
    case BookStatus::kSkipped: ++skipped; break;
  }
}

void Summary::add(const Summary& other) {
  total += other.total;
  ok += other.ok;
  failed += other.failed;
  skipped += other.skipped;
  word_count += other.word_count;
  char_count += other.char_count;
  add_counts(token_counts, other.token_counts);
}

Summary summarize(const ResultsDocument& doc) {
  Summary s = Summary::for_tokenizers(doc.options.tokenizers);
  for (const BookResult& book : doc.results) s.add(book);
  return s;
}

ResultsDocument make_document(model::RunRequest options, std::vector<BookResult> results) {
  ResultsDocument doc;
  doc.generated_at = utc_now_rfc3339();
  doc.tool_version = EPUBTOK_VERSION;
  doc.options = std::move(options);
  doc.results = std::move(results);
  for (const std::string& id : doc.options.tokenizers) {
    if (std::optional<tokenizers::TokenizerInfo> info = tokenizers::Registry::global().describe(id)) {
      doc.tokenizer_exactness.push_back(
          {id, std::string(tokenizers::to_string(info->exactness)), info->exactness_reason});
    }
  }
  return doc;
}

json::object book_to_json(const BookResult& book) {
  json::object out;
  out["file_path"] = book.file_path;
  out["file_name"] = book.file_name;
  out["file_size"] = book.file_size;
  out["status"] = model::book_status_name(book.status);
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
      {"total", s.total},
      {"ok", s.ok},
      {"failed", s.failed},
      {"skipped", s.skipped},
      {"word_count", s.word_count},
      {"char_count", s.char_count},
      {"token_counts", token_counts_to_json(s.token_counts)},
  };
}

json::object options_to_json(const model::RunRequest& o) {
  json::object out{
      {"tokenizers", strings_to_json(o.tokenizers)},
      {"exclude", kinds_to_json(o.exclude)},
      {"paths", strings_to_json(o.paths)},
      {"recursive", o.recursive},
      {"max_mb", o.max_mb},
      {"with_special", o.with_special},
      {"jobs", o.jobs},
  };
  // Only when set, so documents with chapters keep the shape they always had.
  if (o.no_chapters) out["no_chapters"] = true;
  return out;
}

json::object to_json(const ResultsDocument& doc) {
  json::object out;
  out["schema_version"] = kSchemaVersion;
  out["generated_at"] = doc.generated_at;
  out["tool"] = json::object{{"name", "epubtok"}, {"version", doc.tool_version}};
  out["options"] = options_to_json(doc.options);
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

Status write_json_document(const ResultsDocument& doc, const RowJson& row_json,
                           const std::function<Status(std::string_view)>& sink) {
  // The envelope is rendered whole with an empty "results" array, and the
  // rows are spliced in where it stands, each pretty-printed at its depth.
  ResultsDocument envelope;
  envelope.generated_at = doc.generated_at;
  envelope.tool_version = doc.tool_version;
  envelope.options = doc.options;
  envelope.tokenizer_exactness = doc.tokenizer_exactness;
  json::object object = to_json(envelope);
  object["summary"] = summary_to_json(summarize(doc));
  std::string text = pretty_json(object) + "\n";
  if (doc.results.empty()) return sink(text);
  constexpr std::string_view kEmptyRows = "\n  \"results\": []";
  size_t at = text.find(kEmptyRows);
  if (Status s = sink(std::string_view(text).substr(0, at + kEmptyRows.size() - 1)); !s) return s;
  std::string piece;
  for (size_t i = 0; i < doc.results.size(); ++i) {
    Result<json::object> row = row_json ? row_json(i) : Result<json::object>(book_to_json(doc.results[i]));
    if (!row) return row.status();
    piece.assign(i == 0 ? "\n    " : ",\n    ");
    piece += pretty_json(*row, 2);
    if (Status s = sink(piece); !s) return s;
  }
  return sink("\n  ]" + text.substr(at + kEmptyRows.size()));
}

std::string to_json_text(const ResultsDocument& doc) {
  std::string out;
  // Cannot fail: this sink never does, and without a row_json every row is
  // rendered from the document itself.
  Status written = write_json_document(doc, {}, [&](std::string_view piece) {
    out += piece;
    return Status::ok();
  });
  (void)written;
  return out;
}

Status write_results(const ResultsDocument& doc, const std::filesystem::path& dir, const RowJson& row_json) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return {ErrorCode::kIoError, "cannot create " + dir.string() + ": " + ec.message()};
  // Each file goes to a temporary name in the same folder, is flushed to
  // disk, then renamed over the target: readers see the old file or the
  // new one, never a torn one.
  auto write_file = [&](const char* name, const std::function<Status(std::FILE*)>& fill) -> Status {
    std::filesystem::path target = dir / name;
    std::filesystem::path tmp = dir / ("." + std::string(name) + ".tmp" + std::to_string(::getpid()));
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) return {ErrorCode::kIoError, "cannot write " + tmp.string() + ": " + std::strerror(errno)};
    Status filled = fill(f);
    bool ok = filled.is_ok() && std::fflush(f) == 0 && !std::ferror(f);
    ok = ::fsync(::fileno(f)) == 0 && ok;
    ok = std::fclose(f) == 0 && ok;
    if (!ok) {
      std::string why = filled.is_ok() ? std::strerror(errno) : filled.message();
      std::filesystem::remove(tmp, ec);
      return filled.is_ok() || filled.code() == ErrorCode::kIoError
                 ? Status(ErrorCode::kIoError, "cannot write " + target.string() + ": " + why)
                 : filled;
    }
    std::filesystem::rename(tmp, target, ec);
    if (ec) {
      std::filesystem::remove(tmp, ec);
      return {ErrorCode::kIoError, "cannot rename into " + target.string() + ": " + ec.message()};
    }
    return Status::ok();
  };
  auto text = [](const std::string& content) {
    return [&content](std::FILE* f) {
      return std::fwrite(content.data(), 1, content.size(), f) == content.size()
                 ? Status::ok()
                 : Status(ErrorCode::kIoError, std::strerror(errno));
    };
  };
  Status json_written = write_file("results.json", [&](std::FILE* f) {
    return write_json_document(doc, row_json, [f](std::string_view piece) {
      return std::fwrite(piece.data(), 1, piece.size(), f) == piece.size()
                 ? Status::ok()
                 : Status(ErrorCode::kIoError, std::strerror(errno));
    });
  });
  if (!json_written) return json_written;
  const std::string markdown = to_markdown(doc), csv = to_csv(doc), errors = to_errors_log(doc);
  if (Status s = write_file("results.md", text(markdown)); !s) return s;
  if (Status s = write_file("results.csv", text(csv)); !s) return s;
  if (Status s = write_file("errors.log", text(errors)); !s) return s;
  return Status::ok();
}

}  // namespace epubtok::results
