// parse_results(): reads a results document written by epubtok (schema 2.0)
// or by the original Node tool (schema 1.0), validates every field it relies
// on, and normalises it to 2.0. Problems are collected, not thrown at the
// first one, so a user fixing a file sees everything wrong at once.
#include <algorithm>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "results/results_document.h"

namespace epubtok::results {
namespace json = boost::json;
using model::BookResult;
using model::BookStatus;

namespace {

class Reader {
 public:
  std::vector<std::string> problems;

  void problem(const std::string& path, const std::string& what) { problems.push_back(path + ": " + what); }

  // Optional string member; a present non-string is a problem.
  std::string string_at(const json::object& obj, std::string_view key, const std::string& path, bool required = false) {
    const json::value* v = obj.if_contains(key);
    if (!v || v->is_null()) {
      if (required) problem(path + "." + std::string(key), "is required");
      return {};
    }
    if (!v->is_string()) {
      problem(path + "." + std::string(key), "must be a string");
      return {};
    }
    return std::string(v->get_string());
  }

  // Optional non-negative integer member (integral doubles accepted).
  uint64_t count_at(const json::object& obj, std::string_view key, const std::string& path, bool required) {
    const json::value* v = obj.if_contains(key);
    if (!v || v->is_null()) {
      if (required) problem(path + "." + std::string(key), "is required");
      return 0;
    }
    return as_count(*v, path + "." + std::string(key));
  }

  uint64_t as_count(const json::value& v, const std::string& path) {
    if (v.is_uint64()) return v.get_uint64();
    if (v.is_int64() && v.get_int64() >= 0) return static_cast<uint64_t>(v.get_int64());
    if (v.is_double() && v.get_double() >= 0 && v.get_double() == static_cast<double>(uint64_t(v.get_double())) &&
        v.get_double() < 1.8e19) {
      return static_cast<uint64_t>(v.get_double());
    }
    problem(path, "must be a non-negative integer");
    return 0;
  }

  std::vector<std::string> strings_at(const json::object& obj, std::string_view key, const std::string& path) {
    std::vector<std::string> out;
    const json::value* v = obj.if_contains(key);
    if (!v || v->is_null()) return out;
    if (v->is_string()) {  // tolerated: a single string where a list is expected
      out.emplace_back(v->get_string());
      return out;
    }
    if (!v->is_array()) {
      problem(path + "." + std::string(key), "must be an array of strings");
      return out;
    }
    size_t i = 0;
    for (const json::value& e : v->get_array()) {
      if (e.is_string()) {
        out.emplace_back(e.get_string());
      } else {
        problem(path + "." + std::string(key) + "[" + std::to_string(i) + "]", "must be a string");
      }
      ++i;
    }
    return out;
  }

  // {"id": n, …} (ours and 1.0) or [{"name"|"tokenizer"|"id": …, "count"|"tokens": n}, …] (1.0 variants).
  model::TokenCounts token_counts(const json::value* v, const std::string& path) {
    model::TokenCounts out;
    if (!v || v->is_null()) return out;
    if (v->is_object()) {
      for (const auto& [key, n] : v->get_object()) {
        out.emplace_back(std::string(key), as_count(n, path + "." + std::string(key)));
      }
    } else if (v->is_array()) {
      size_t i = 0;
      for (const json::value& e : v->get_array()) {
        std::string at = path + "[" + std::to_string(i++) + "]";
        if (!e.is_object()) {
          problem(at, "must be an object with a tokenizer name and a count");
          continue;
        }
        const auto& o = e.get_object();
        std::string name;
        for (std::string_view k : {"name", "tokenizer", "id"}) {
          if (o.contains(k)) name = string_at(o, k, at);
        }
        if (name.empty()) problem(at, "needs a tokenizer name (\"name\")");
        const json::value* n = o.if_contains("count");
        if (!n) n = o.if_contains("tokens");
        if (!n) {
          problem(at + ".count", "is required");
          continue;
        }
        out.emplace_back(name, as_count(*n, at + ".count"));
      }
    } else {
      problem(path, "must be an object mapping tokenizer ids to counts");
    }
    return out;
  }

  std::vector<epub::Author> authors(const json::object& obj, std::string_view key, const std::string& path) {
    std::vector<epub::Author> out;
    const json::value* v = obj.if_contains(key);
    if (!v || v->is_null()) return out;
    auto one = [&](const json::value& e, const std::string& at) {
      if (e.is_string()) {
        out.push_back({std::string(e.get_string()), "", ""});
      } else if (e.is_object()) {
        const auto& o = e.get_object();
        out.push_back({string_at(o, "name", at, true), string_at(o, "file_as", at), string_at(o, "role", at)});
      } else {
        problem(at, "must be a string or an object with a name");
      }
    };
    if (v->is_array()) {
      size_t i = 0;
      for (const json::value& e : v->get_array())
        one(e, path + "." + std::string(key) + "[" + std::to_string(i++) + "]");
    } else {
      one(*v, path + "." + std::string(key));
    }
    return out;
  }

  epub::Metadata metadata(const json::value* v, const std::string& path) {
    epub::Metadata m;
    if (!v || v->is_null()) return m;
    if (!v->is_object()) {
      problem(path, "must be an object");
      return m;
    }
    const auto& o = v->get_object();
    m.title = string_at(o, "title", path);
    m.authors = authors(o, "authors", path);
    if (m.authors.empty()) m.authors = authors(o, "author", path);  // schema 1.0
    m.languages = strings_at(o, "languages", path);
    if (std::string lang = string_at(o, "language", path);
        !lang.empty() && std::find(m.languages.begin(), m.languages.end(), lang) == m.languages.end()) {
      m.languages.insert(m.languages.begin(), lang);
    }
    m.publisher = string_at(o, "publisher", path);
    m.date = string_at(o, "date", path);
    m.isbn = string_at(o, "isbn", path);
    m.subjects = strings_at(o, "subjects", path);
    m.description = string_at(o, "description", path);
    m.series = string_at(o, "series", path);
    m.series_index = string_at(o, "series_index", path);
    m.epub_version = string_at(o, "epub_version", path);
    if (const json::value* ids = o.if_contains("identifiers"); ids && ids->is_array()) {
      size_t i = 0;
      for (const json::value& e : ids->get_array()) {
        std::string at = path + ".identifiers[" + std::to_string(i++) + "]";
        if (!e.is_object()) {
          problem(at, "must be an object");
          continue;
        }
        m.identifiers.push_back(
            {string_at(e.get_object(), "value", at, true), string_at(e.get_object(), "scheme", at)});
      }
    }
    return m;
  }

  model::RunRequest options(const json::object& oo, const std::string& path) {
    model::RunRequest options;
    options.tokenizers = strings_at(oo, "tokenizers", path);
    std::vector<std::string> exclude = strings_at(oo, "exclude", path);
    for (size_t i = 0; i < exclude.size(); ++i) {
      if (auto kind = epub::parse_chapter_kind(exclude[i])) {
        options.exclude.push_back(*kind);
      } else {
        problem(path + ".exclude[" + std::to_string(i) + "]",
                "must be \"front\", \"body\" or \"back\", not \"" + exclude[i] + "\"");
      }
    }
    options.paths = strings_at(oo, "paths", path);
    if (const json::value* rec = oo.if_contains("recursive"); rec && rec->is_bool())
      options.recursive = rec->get_bool();
    if (oo.contains("max_mb")) options.max_mb = count_at(oo, "max_mb", path, false);
    if (const json::value* ws = oo.if_contains("with_special"); ws && ws->is_bool())
      options.with_special = ws->get_bool();
    if (oo.contains("jobs")) options.jobs = static_cast<int>(count_at(oo, "jobs", path, false));
    if (const json::value* nc = oo.if_contains("no_chapters"); nc && nc->is_bool())
      options.no_chapters = nc->get_bool();
    return options;
  }

  // All problems as one INVALID_SCHEMA status, one per line.
  Status status() const {
    if (problems.empty()) return Status::ok();
    std::string message;
    for (const auto& p : problems) message += p + "\n";
    message.pop_back();
    return Status(ErrorCode::kInvalidSchema, message);
  }

  BookResult book(const json::value& v, const std::string& path, bool legacy, bool with_chapters = true) {
    BookResult b;
    if (!v.is_object()) {
      problem(path, "must be an object");
      return b;
    }
    const auto& o = v.get_object();
    b.file_path = string_at(o, "file_path", path, true);
    b.file_name = string_at(o, "file_name", path);
    if (b.file_name.empty()) b.file_name = std::filesystem::path(b.file_path).filename().string();
    b.file_size = count_at(o, "file_size", path, false);

    // Schema 1.0 has no status: its rows are ok, or errors when they carry one.
    const std::string status = legacy ? std::string() : string_at(o, "status", path, true);
    if (const json::value* err = o.if_contains("error"); err && !err->is_null()) {
      if (legacy) b.status = BookStatus::kError;
      if (err->is_string()) {  // 1.0 wrote plain messages
        b.error = model::BookError{"UNKNOWN", std::string(err->get_string())};
      } else if (err->is_object()) {
        b.error = model::BookError{string_at(err->get_object(), "code", path + ".error", true),
                                   string_at(err->get_object(), "message", path + ".error", true)};
      } else {
        problem(path + ".error", "must be an object with code and message");
      }
    }
    if (auto parsed = model::parse_book_status(status)) {
      b.status = *parsed;
    } else if (!status.empty()) {
      problem(path + ".status", "must be \"ok\", \"error\" or \"skipped\", not \"" + status + "\"");
    }
    if (b.status != BookStatus::kOk && !b.error) {
      problem(path + ".error", "is required when status is " + std::string(model::book_status_name(b.status)));
    }

    bool ok = b.status == BookStatus::kOk;
    b.word_count = count_at(o, "word_count", path, ok);
    b.char_count = count_at(o, "char_count", path, false);
    b.token_counts = token_counts(o.if_contains("token_counts"), path + ".token_counts");
    b.approximate_tokens = strings_at(o, "approximate_token_counts", path);
    b.metadata = metadata(o.if_contains(legacy ? "epub_metadata" : "metadata"),
                          path + (legacy ? ".epub_metadata" : ".metadata"));
    b.processing_ms = count_at(o, "processing_ms", path, false);
    b.warnings = strings_at(o, "warnings", path);

    if (const json::value* chapters = o.if_contains("chapters"); with_chapters && chapters && !chapters->is_null()) {
      if (!chapters->is_array()) {
        problem(path + ".chapters", "must be an array");
      } else {
        size_t i = 0;
        for (const json::value& c : chapters->get_array()) {
          std::string at = path + ".chapters[" + std::to_string(i) + "]";
          if (!c.is_object()) {
            problem(at, "must be an object");
            ++i;
            continue;
          }
          const auto& co = c.get_object();
          model::ChapterResult ch;
          ch.index = static_cast<int>(co.contains("index") ? count_at(co, "index", at, false) : i);
          ch.title = string_at(co, "title", at);
          ch.href = string_at(co, "href", at);
          std::string kind_name = string_at(co, "kind", at);
          // An absent kind is a body chapter (1.0 documents have none).
          if (auto k = kind_name.empty() ? epub::ChapterKind::kBody : epub::parse_chapter_kind(kind_name)) {
            ch.kind = *k;
          } else {
            problem(at + ".kind", "must be \"front\", \"body\" or \"back\", not \"" + kind_name + "\"");
          }
          if (const json::value* l = co.if_contains("linear"); l && l->is_bool()) ch.linear = l->get_bool();
          if (const json::value* x = co.if_contains("excluded"); x && x->is_bool()) ch.excluded = x->get_bool();
          ch.word_count = count_at(co, "word_count", at, false);
          ch.char_count = count_at(co, "char_count", at, false);
          ch.token_counts = token_counts(co.if_contains("token_counts"), at + ".token_counts");
          ch.approximate_tokens = strings_at(co, "approximate_token_counts", at);
          b.chapters.push_back(std::move(ch));
          ++i;
        }
      }
    }
    return b;
  }
};

}  // namespace

Result<ResultsDocument> parse_results(std::string_view json_text) {
  boost::system::error_code ec;
  json::value root = json::parse(json_text, ec);
  if (ec) return Status(ErrorCode::kInvalidJson, "not valid JSON: " + ec.message());

  Reader r;
  if (!root.is_object()) return Status(ErrorCode::kInvalidSchema, "$: must be an object");
  const auto& o = root.get_object();
  std::string version = r.string_at(o, "schema_version", "$", true);
  bool legacy = version == "1.0";
  if (!version.empty() && !legacy && version != kSchemaVersion) {
    r.problem("$.schema_version", "must be \"2.0\" (epubtok) or \"1.0\" (the original tool), not \"" + version + "\"");
  }

  ResultsDocument doc;
  doc.generated_at = r.string_at(o, "generated_at", "$");
  doc.tool_version = EPUBTOK_VERSION;
  if (const json::value* tool = o.if_contains("tool"); tool && tool->is_object()) {
    doc.tool_version = r.string_at(tool->get_object(), "version", "$.tool");
  }

  const json::value* rows = o.if_contains("results");
  if (!rows) {
    r.problem("$.results", "is required");
  } else if (!rows->is_array()) {
    r.problem("$.results", "must be an array");
  } else {
    size_t i = 0;
    for (const json::value& row : rows->get_array()) {
      doc.results.push_back(r.book(row, "$.results[" + std::to_string(i++) + "]", legacy));
      if (legacy && doc.generated_at.empty() && row.is_object()) {
        doc.generated_at = r.string_at(row.get_object(), "processed_at", "$.results[" + std::to_string(i - 1) + "]");
      }
    }
  }

  if (const json::value* opts = o.if_contains("options"); opts && opts->is_object()) {
    doc.options = r.options(opts->get_object(), "$.options");
    const auto& oo = opts->get_object();
    if (const json::value* ex = oo.if_contains("tokenizer_exactness"); ex && ex->is_object()) {
      for (const auto& [id, label] : ex->get_object()) {
        const std::string at = "$.options.tokenizer_exactness." + std::string(id);
        if (!label.is_object()) {
          r.problem(at, "must be an object");
          continue;
        }
        TokenizerExactness e{std::string(id), r.string_at(label.get_object(), "exactness", at),
                             r.string_at(label.get_object(), "reason", at)};
        if (e.exactness != "exact" && e.exactness != "exact-local-tokenizer" && e.exactness != "api" &&
            e.exactness != "approximate") {
          r.problem(at + ".exactness",
                    "must be exact, exact-local-tokenizer, api or approximate, not \"" + e.exactness + "\"");
        }
        doc.tokenizer_exactness.push_back(std::move(e));
      }
    }
  }
  // Columns: the declared tokenizers, then any id that only rows mention.
  for (const BookResult& b : doc.results) {
    for (const auto& [id, n] : b.token_counts) {
      if (std::find(doc.options.tokenizers.begin(), doc.options.tokenizers.end(), id) == doc.options.tokenizers.end()) {
        doc.options.tokenizers.push_back(id);
      }
    }
  }

  // A stored summary must agree with the rows it summarises.
  if (const json::value* summary = o.if_contains("summary"); summary && summary->is_object() && r.problems.empty()) {
    Summary s = summarize(doc);
    const auto& so = summary->get_object();
    auto check = [&](std::string_view key, uint64_t expected) {
      if (!so.contains(key)) return;
      uint64_t got = r.count_at(so, key, "$.summary", false);
      if (got != expected) {
        r.problem("$.summary." + std::string(key),
                  "is " + std::to_string(got) + " but the results add up to " + std::to_string(expected));
      }
    };
    check("total", s.total);
    check("ok", s.ok);
    check("failed", s.failed);
    check("skipped", s.skipped);
    check("word_count", s.word_count);
  }

  if (Status s = r.status(); !s) return s;
  return doc;
}

Result<BookResult> parse_book_row(const json::value& row, bool with_chapters, const std::string& where) {
  Reader r;
  BookResult book = r.book(row, where, /*legacy=*/false, with_chapters);
  if (Status s = r.status(); !s) return s;
  return book;
}

Result<model::RunRequest> parse_run_options(const json::value& options, const std::string& where) {
  Reader r;
  if (!options.is_object()) return Status(ErrorCode::kInvalidSchema, where + ": must be an object");
  model::RunRequest request = r.options(options.get_object(), where);
  if (Status s = r.status(); !s) return s;
  return request;
}

}  // namespace epubtok::results
