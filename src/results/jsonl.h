// The results stream (docs/results-schema.md, "JSON Lines"): what
// `count --jsonl` writes as books finish, what `count --resume` continues
// and what `merge` reads back. One JSON object a line:
//
//   {"type":"run", "schema_version":"2.0", "tool":{…}, "options":{…}, "shard":{"index":K,"count":N}}
//   {"type":"book", …a results.json row…, "file_mtime_ns":N}      one per book, in completion order
//   {"type":"end", "summary":{…}, "books":M}                       only when the run finished
//
// A part without its end line is incomplete; a last line without its
// newline was torn by a kill mid-write.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/status.h"
#include "model/book_result.h"
#include "model/run_request.h"
#include "results/results_document.h"

namespace epubtok::results {

// The lines, each ending in '\n'. A book line is book_to_json() of the row
// (without "chapters" when options.no_chapters) after "type", followed by
// the file's modification time when known (what --resume compares).
std::string jsonl_run_line(const model::RunRequest& options, std::string_view tool_version);
std::string jsonl_book_line(const model::BookResult& book, bool with_chapters, std::optional<int64_t> mtime_ns);
std::string jsonl_end_line(const Summary& summary, uint64_t books);

// Appends whole lines to a file or standard output with one write(2) each
// (so a line is either written or torn at a kill, never interleaved), and
// no buffering in between: each line is on its way to the file when
// append() returns.
class JsonlWriter {
 public:
  // `path` "-" is standard output. The file is created if missing and
  // appended to otherwise. IO_ERROR naming the file on failure.
  static Result<JsonlWriter> open(const std::string& path);
  JsonlWriter(JsonlWriter&& other) noexcept;
  JsonlWriter& operator=(JsonlWriter&&) = delete;
  ~JsonlWriter();

  // IO_ERROR (a full disk, a closed pipe: SIGPIPE must be ignored) naming
  // the file; after one failure every later call fails too.
  Status append(std::string_view line);

 private:
  JsonlWriter(int fd, bool owned, std::string name) : fd_(fd), owned_(owned), name_(std::move(name)) {}
  int fd_;
  bool owned_;
  std::string name_;
  Status failed_;
};

// One book line as read back.
struct JsonlBook {
  uint64_t line = 0;        // 1-based line number in the part
  uint64_t offset = 0;      // byte offset of the line in the part
  uint64_t length = 0;      // its length without the newline
  boost::json::object row;  // the results.json row ("type" and "file_mtime_ns" removed)
  std::optional<int64_t> mtime_ns;
};

// What a whole part holds, besides its book lines.
struct JsonlPart {
  bool has_header = false;    // false only for an empty part (or one torn inside its first line)
  model::RunRequest options;  // from the header, with options.shard
  std::string tool_version;
  uint64_t books = 0;       // book lines read
  bool finished = false;    // an end line closes the part
  uint64_t end_offset = 0;  // where the end line starts, when finished
  uint64_t good_bytes = 0;  // bytes of complete lines before any end line and torn tail
  bool torn_tail = false;   // the last line had no newline and was dropped
};

// Reads `path` line by line, handing each book line to `on_book`, and stops
// at the first error `on_book` returns. INVALID_SCHEMA "PATH line N: …" for
// a line that is not JSON, a first line that is not a schema 2.0 "run"
// header, an unknown type, a line after the end line, or an end line whose
// count disagrees; a torn last line is dropped (and reported in torn_tail)
// when `tolerate_torn_tail`, an INVALID_SCHEMA otherwise. IO_ERROR when the
// file cannot be read.
Result<JsonlPart> read_jsonl(const std::string& path, bool tolerate_torn_tail,
                             const std::function<Status(JsonlBook&&)>& on_book);

// Reads the line at [offset, offset + length) of `file` back as a row, as
// read_jsonl() gave it. For merge's second pass. IO_ERROR / INVALID_SCHEMA.
Result<boost::json::object> read_jsonl_row(std::FILE* file, const std::string& name, uint64_t offset, uint64_t length);

}  // namespace epubtok::results
