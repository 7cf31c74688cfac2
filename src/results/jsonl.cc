#include "results/jsonl.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <boost/json.hpp>

namespace epubtok::results {
namespace json = boost::json;

namespace {

std::string line_of(const json::object& object) { return json::serialize(object) + "\n"; }

// The results.json row inside a book line: every key but "type" and
// "file_mtime_ns", in order. (Boost 1.81's object::erase moves the last
// member into the hole, which would reorder the row.)
json::object row_of(json::object&& line) {
  json::object row(line.storage());
  row.reserve(line.size());
  for (auto& [key, value] : line) {
    if (key != "type" && key != "file_mtime_ns") row.emplace(key, std::move(value));
  }
  return row;
}

}  // namespace

std::string jsonl_run_line(const model::RunRequest& options, std::string_view tool_version) {
  json::object line{
      {"type", "run"},
      {"schema_version", kSchemaVersion},
      {"tool", json::object{{"name", "epubtok"}, {"version", tool_version}}},
      {"options", options_to_json(options)},
      {"shard", json::object{{"index", options.shard.index}, {"count", options.shard.count}}},
  };
  return line_of(line);
}

std::string jsonl_book_line(const model::BookResult& book, bool with_chapters, std::optional<int64_t> mtime_ns) {
  json::object line{{"type", "book"}};
  for (auto& [key, value] : book_to_json(book)) {
    if (!with_chapters && key == "chapters") continue;
    line.emplace(key, std::move(value));
  }
  if (mtime_ns) line["file_mtime_ns"] = *mtime_ns;
  return line_of(line);
}

std::string jsonl_end_line(const Summary& summary, uint64_t books) {
  return line_of(json::object{{"type", "end"}, {"summary", summary_to_json(summary)}, {"books", books}});
}

Result<JsonlWriter> JsonlWriter::open(const std::string& path) {
  if (path == "-") return JsonlWriter(STDOUT_FILENO, false, "standard output");
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Status(ErrorCode::kIoError, "cannot write " + path + ": " + std::strerror(errno));
  return JsonlWriter(fd, true, path);
}

JsonlWriter::JsonlWriter(JsonlWriter&& other) noexcept
    : fd_(other.fd_), owned_(other.owned_), name_(std::move(other.name_)), failed_(std::move(other.failed_)) {
  other.owned_ = false;
}

JsonlWriter::~JsonlWriter() {
  if (owned_) ::close(fd_);
}

Status JsonlWriter::append(std::string_view line) {
  if (!failed_.is_ok()) return failed_;
  while (!line.empty()) {
    ssize_t n = ::write(fd_, line.data(), line.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failed_ = Status(ErrorCode::kIoError, "cannot write " + name_ + ": " + std::strerror(n < 0 ? errno : EIO));
      return failed_;
    }
    line.remove_prefix(static_cast<size_t>(n));
  }
  return Status::ok();
}

Result<JsonlPart> read_jsonl(const std::string& path, bool tolerate_torn_tail,
                             const std::function<Status(JsonlBook&&)>& on_book) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return Status(ErrorCode::kIoError, "cannot read " + path + ": " + std::strerror(errno));
  struct Closer {
    std::FILE* f;
    ~Closer() { std::fclose(f); }
  } closer{file};

  JsonlPart part;
  char* buffer = nullptr;
  size_t capacity = 0;
  struct Freer {
    char** p;
    ~Freer() { std::free(*p); }
  } freer{&buffer};
  uint64_t offset = 0, line_no = 0;
  auto bad = [&](const std::string& what) {
    return Status(ErrorCode::kInvalidSchema, path + " line " + std::to_string(line_no) + ": " + what);
  };
  for (;;) {
    errno = 0;
    ssize_t got = ::getline(&buffer, &capacity, file);
    if (got < 0) {
      if (std::ferror(file)) return Status(ErrorCode::kIoError, "cannot read " + path + ": " + std::strerror(errno));
      break;
    }
    ++line_no;
    const uint64_t line_offset = offset;
    offset += static_cast<uint64_t>(got);
    std::string_view text(buffer, static_cast<size_t>(got));
    bool complete = !text.empty() && text.back() == '\n';
    if (complete) text.remove_suffix(1);
    if (!complete) {
      if (tolerate_torn_tail) {
        part.torn_tail = true;
        break;
      }
      return bad(part.finished ? "text after the end line"
                               : "the line is cut off (no newline): the run was killed while writing it");
    }
    if (part.finished) return bad("text after the end line");

    boost::system::error_code ec;
    json::value value = json::parse(text, ec);
    if (ec) return bad("not JSON (is this a JSONL part written by `epubtok count --jsonl`?)");
    if (!value.is_object()) return bad("not a JSON object");
    json::object& object = value.get_object();
    const json::value* type = object.if_contains("type");
    std::string_view kind = type && type->is_string() ? std::string_view(type->get_string()) : std::string_view();

    if (!part.has_header) {
      if (kind != "run") return bad("the first line must be the {\"type\":\"run\"} header");
      const json::value* version = object.if_contains("schema_version");
      if (!version || !version->is_string() || version->get_string() != kSchemaVersion) {
        return bad("schema_version must be \"" + std::string(kSchemaVersion) + "\"");
      }
      const json::value* options = object.if_contains("options");
      auto parsed = parse_run_options(options ? *options : json::value(), "options");
      if (!parsed) return bad(parsed.status().message());
      part.options = std::move(*parsed);
      const json::value* shard = object.if_contains("shard");
      if (shard && shard->is_object()) {
        const auto* index = shard->get_object().if_contains("index");
        const auto* count = shard->get_object().if_contains("count");
        if (!index || !count || (!index->is_uint64() && !index->is_int64()) ||
            (!count->is_uint64() && !count->is_int64())) {
          return bad("shard must have integer index and count");
        }
        part.options.shard = {static_cast<uint32_t>(index->to_number<uint64_t>()),
                              static_cast<uint32_t>(count->to_number<uint64_t>())};
      }
      if (const json::value* tool = object.if_contains("tool"); tool && tool->is_object()) {
        if (const auto* v = tool->get_object().if_contains("version"); v && v->is_string()) {
          part.tool_version = std::string(v->get_string());
        }
      }
      part.has_header = true;
    } else if (kind == "book") {
      JsonlBook book;
      book.line = line_no;
      book.offset = line_offset;
      book.length = text.size();
      if (const json::value* m = object.if_contains("file_mtime_ns"); m && m->is_int64())
        book.mtime_ns = m->get_int64();
      book.row = row_of(std::move(object));
      ++part.books;
      if (Status s = on_book(std::move(book)); !s) return s;
    } else if (kind == "end") {
      const json::value* books = object.if_contains("books");
      if (!books || !books->is_number() || books->to_number<uint64_t>() != part.books) {
        return bad("the end line counts " +
                   (books && books->is_number() ? std::to_string(books->to_number<uint64_t>()) : std::string("no")) +
                   " books, but the part has " + std::to_string(part.books));
      }
      part.finished = true;
      part.end_offset = line_offset;
      continue;
    } else {
      return bad("unknown line type \"" + std::string(kind) + "\" (expected run, book or end)");
    }
    part.good_bytes = offset;
  }
  if (!part.has_header && line_no > 0 && !part.torn_tail) return bad("no header");
  return part;
}

Result<json::object> read_jsonl_row(std::FILE* file, const std::string& name, uint64_t offset, uint64_t length) {
  std::string text(length, '\0');
  if (::pread(::fileno(file), text.data(), length, static_cast<off_t>(offset)) != static_cast<ssize_t>(length)) {
    return Status(ErrorCode::kIoError, "cannot read " + name + " again: " + std::strerror(errno));
  }
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) {
    return Status(ErrorCode::kInvalidSchema,
                  name + ": the line at byte " + std::to_string(offset) + " changed while merging");
  }
  return row_of(std::move(value.get_object()));
}

}  // namespace epubtok::results
