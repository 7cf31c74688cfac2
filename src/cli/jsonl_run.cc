#include "cli/jsonl_run.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <unordered_map>
#include <vector>

#include <xxhash.h>
#include <boost/json.hpp>

#include "cli/command.h"
#include "cli/common.h"
#include "cli/progress.h"
#include "results/jsonl.h"

namespace epubtok::cli {
namespace {

uint64_t hash_of(std::string_view text) { return XXH64(text.data(), text.size(), 0); }

// What identifies a row for --resume: the path, plus the file's size and
// modification time for a book, or the error code for a path that named no
// readable file (FILE_NOT_FOUND, an unlistable folder).
uint64_t book_key(std::string_view path, uint64_t size, int64_t mtime_ns) {
  std::string key(path);
  key += '\0' + std::to_string(size) + '\0' + std::to_string(mtime_ns);
  return hash_of(key);
}
uint64_t failure_key(std::string_view path, std::string_view code) {
  std::string key(path);
  key += '\0';
  key += code;
  return hash_of(key);
}

struct FileStamp {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
};
std::optional<FileStamp> stamp_of(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return FileStamp{static_cast<uint64_t>(st.st_size),
                   static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

// The rows a resumed part already holds: hashes and an index a book, no row.
struct ResumeState {
  std::unordered_map<uint64_t, size_t> row_of_path;  // hash of file_path → row index
  std::vector<uint64_t> keys;                        // per row: book_key or failure_key
  std::vector<char> confirmed;                       // per row: the book still has this row
  results::Summary summary;                          // of every row read
  uint64_t header_bytes = 0;                         // the file is kept up to good_bytes
};

bool same_run(const model::RunRequest& a, const model::RunRequest& b) {
  return model::same_counting_options(a, b) && a.no_chapters == b.no_chapters && a.shard == b.shard;
}

// Reads the part being resumed. nullopt with a message printed when it
// cannot be resumed; an empty state (no header) when it is empty or was
// torn inside its header.
std::optional<ResumeState> read_for_resume(const JsonlRun& run, std::optional<results::JsonlPart>& part_out) {
  ResumeState state;
  state.summary = results::Summary::for_tokenizers(run.request.tokenizers);
  auto part = results::read_jsonl(run.file, /*tolerate_torn_tail=*/true, [&](results::JsonlBook&& book) -> Status {
    auto row = results::parse_book_row(book.row, /*with_chapters=*/false);
    if (!row)
      return Status(ErrorCode::kInvalidSchema,
                    run.file + " line " + std::to_string(book.line) + ": " + row.status().message());
    uint64_t key = book.mtime_ns ? book_key(row->file_path, row->file_size, *book.mtime_ns)
                                 : failure_key(row->file_path, row->error ? row->error->code : "");
    state.row_of_path[hash_of(row->file_path)] = state.keys.size();
    state.keys.push_back(key);
    state.summary.add(*row);
    return Status::ok();
  });
  if (!part) {
    std::cerr << "epubtok: " << part.status().to_string() << "\n";
    return std::nullopt;
  }
  if (part->has_header && !same_run(part->options, run.request)) {
    std::cerr << "epubtok: INVALID_ARGUMENT: cannot resume " << run.file
              << ": it was counted with other options (tokenizers, --exclude, --with-special, --max-mb, "
                 "--no-chapters or --shard); use the same ones, or another file\n";
    return std::nullopt;
  }
  state.confirmed.assign(state.keys.size(), 0);
  part_out = std::move(*part);
  return state;
}

// Rewrites the part without the rows of books that changed or vanished
// since they were written (temporary file + rename), and ends it. Returns
// the summary of the rows kept.
Status compact(const std::string& file, const ResumeState& state, const model::RunRequest& request,
               uint64_t& books_kept, results::Summary& summary) {
  std::FILE* in = std::fopen(file.c_str(), "rb");
  if (!in) return Status(ErrorCode::kIoError, "cannot read " + file + ": " + std::strerror(errno));
  std::string tmp = file + ".compact" + std::to_string(::getpid());
  std::FILE* out = std::fopen(tmp.c_str(), "wb");
  if (!out) {
    std::fclose(in);
    return Status(ErrorCode::kIoError, "cannot write " + tmp + ": " + std::strerror(errno));
  }
  summary = results::Summary::for_tokenizers(request.tokenizers);
  books_kept = 0;
  char* buffer = nullptr;
  size_t capacity = 0;
  ssize_t got;
  size_t line = 0;
  Status status;
  while ((got = ::getline(&buffer, &capacity, in)) > 0) {
    bool keep = line == 0 || line > state.keys.size() || state.confirmed[line - 1];
    if (keep && line > 0) {
      boost::system::error_code ec;
      boost::json::value value = boost::json::parse(std::string_view(buffer, static_cast<size_t>(got)), ec);
      auto row = ec ? Result<model::BookResult>(ErrorCode::kInvalidSchema, "unreadable line")
                    : results::parse_book_row(value, false);
      if (!row) {
        status = Status(ErrorCode::kInvalidSchema,
                        file + " line " + std::to_string(line + 1) + ": " + row.status().message());
        break;
      }
      summary.add(*row);
      ++books_kept;
    }
    if (keep && std::fwrite(buffer, 1, static_cast<size_t>(got), out) != static_cast<size_t>(got)) {
      status = Status(ErrorCode::kIoError, "cannot write " + tmp + ": " + std::strerror(errno));
      break;
    }
    ++line;
  }
  std::free(buffer);
  std::fclose(in);
  if (status.is_ok()) {
    std::string end = results::jsonl_end_line(summary, books_kept);
    if (std::fwrite(end.data(), 1, end.size(), out) != end.size() || std::fflush(out) != 0 ||
        ::fsync(::fileno(out)) != 0) {
      status = Status(ErrorCode::kIoError, "cannot write " + tmp + ": " + std::strerror(errno));
    }
  }
  if (std::fclose(out) != 0 && status.is_ok()) status = Status(ErrorCode::kIoError, "cannot write " + tmp);
  if (status.is_ok() && std::rename(tmp.c_str(), file.c_str()) != 0) {
    status = Status(ErrorCode::kIoError, "cannot rename " + tmp + " to " + file + ": " + std::strerror(errno));
  }
  if (!status.is_ok()) std::remove(tmp.c_str());
  return status;
}

}  // namespace

int run_jsonl(const JsonlRun& run, std::unique_ptr<count::BookSource> source) {
  // A closed pipe must be a write error (IO_ERROR, exit 1), not a silent death.
  std::signal(SIGPIPE, SIG_IGN);

  std::optional<ResumeState> resume;
  std::optional<results::JsonlPart> old_part;
  if (run.resume && std::filesystem::exists(run.file)) {
    resume = read_for_resume(run, old_part);
    if (!resume) return kExitUsage;
  }
  bool continuing = resume && old_part && old_part->has_header;
  struct stat st;
  if (::stat(run.file.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    // Keep the complete rows of a resumed part; drop its torn tail and end
    // line (a new one is written when this run finishes). Start over otherwise.
    uint64_t keep = continuing ? old_part->good_bytes : 0;
    if (::truncate(run.file.c_str(), static_cast<off_t>(keep)) != 0) {
      std::cerr << "epubtok: IO_ERROR: cannot truncate " << run.file << ": " << std::strerror(errno) << "\n";
      return kExitFailures;
    }
  }
  auto writer = results::JsonlWriter::open(run.file);
  if (!writer) {
    std::cerr << "epubtok: " << writer.status().to_string() << "\n";
    return kExitFailures;
  }
  if (!continuing) {
    if (Status s = writer->append(results::jsonl_run_line(run.request, EPUBTOK_VERSION)); !s) {
      std::cerr << "epubtok: " << s.to_string() << "\n";
      return kExitFailures;
    }
  }

  if (continuing) {
    // Skip the books whose row is still current.
    source->set_skip([&](const count::SourceItem& item) {
      auto it = resume->row_of_path.find(hash_of(item.path));
      if (it == resume->row_of_path.end()) return false;
      uint64_t key = 0;
      if (item.failure) {
        key = failure_key(item.path, item.failure->error ? item.failure->error->code : "");
      } else if (auto stamp = stamp_of(item.path)) {
        key = book_key(item.path, stamp->size, stamp->mtime_ns);
      } else {
        return false;
      }
      if (resume->keys[it->second] != key) return false;
      resume->confirmed[it->second] = 1;
      return true;
    });
  }

  results::Summary summary = results::Summary::for_tokenizers(run.request.tokenizers);
  uint64_t books_written = 0;
  Status write_error;
  std::atomic<bool> stop{false};
  bool interactive = stderr_is_interactive();
  ProgressLine progress(interactive);
  Status source_status = count::count_stream(
      *source, run.options, run.jobs,
      [&](const model::BookResult& book, const count::LibraryProgress& p) {
        if (!write_error.is_ok()) return;
        std::optional<int64_t> mtime;
        if (auto stamp = stamp_of(book.file_path)) mtime = stamp->mtime_ns;
        if (Status s = writer->append(results::jsonl_book_line(book, !run.request.no_chapters, mtime)); !s) {
          write_error = s;
          stop = true;
          return;
        }
        ++books_written;
        summary.add(book);
        progress.update(p);
        if (!interactive && book.error) {
          std::cerr << "epubtok: " << book.error->code << " " << book.file_path << ": " << book.error->message << "\n";
        }
      },
      &stop);
  progress.finish();
  if (!write_error.is_ok()) {
    std::cerr << "epubtok: " << write_error.to_string() << "\n";
    return kExitFailures;
  }
  if (!source_status.is_ok()) {
    std::cerr << "epubtok: " << source_status.to_string() << " (the part has no end line: rerun with --resume)\n";
    return kExitFailures;
  }

  // The end line covers every row in the part: the kept old ones and the new.
  uint64_t total_books = books_written;
  bool stale_rows = false;
  if (continuing) {
    for (char c : resume->confirmed) stale_rows |= !c;
  }
  if (continuing && stale_rows) {
    results::Summary kept;
    uint64_t kept_books = 0;
    if (Status s = compact(run.file, *resume, run.request, kept_books, kept); !s) {
      std::cerr << "epubtok: " << s.to_string() << "\n";
      return kExitFailures;
    }
    summary = kept;
    total_books = kept_books;
  } else {
    if (continuing) {
      summary.add(resume->summary);
      total_books += resume->keys.size();
    }
    if (Status s = writer->append(results::jsonl_end_line(summary, total_books)); !s) {
      std::cerr << "epubtok: " << s.to_string() << "\n";
      return kExitFailures;
    }
  }
  std::fprintf(stderr, "%s books in %s (%s new): ok %s, failed %s, skipped %s\n", grouped(total_books).c_str(),
               run.file == "-" ? "standard output" : run.file.c_str(), grouped(books_written).c_str(),
               grouped(summary.ok).c_str(), grouped(summary.failed).c_str(), grouped(summary.skipped).c_str());
  // The part is complete: failed books are rows in it, not a failed task
  // (a cluster engine would otherwise retry a shard for one broken EPUB).
  return kExitOk;
}

}  // namespace epubtok::cli
