#include "count/counter.h"

#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <list>
#include <mutex>
#include <numeric>
#include <optional>
#include <system_error>
#include <thread>

#include "core/ascii.h"
#include "count/joined_count.h"
#include "epub/epub_reader.h"
#include "text/text_stats.h"
#include "tokenizers/registry.h"

namespace epubtok::count {
namespace fs = std::filesystem;
using model::BookError;
using model::BookResult;
using model::BookStatus;
using model::ChapterResult;
using model::TokenCounts;

namespace {

// Labels `counts` (one per tokenizer, in the options' order) with the
// tokenizer ids, adding the special tokens once when the user asked for them.
TokenCounts label_counts(const std::vector<uint64_t>& counts, const CountOptions& options) {
  TokenCounts labelled;
  labelled.reserve(counts.size());
  for (size_t t = 0; t < counts.size(); ++t) {
    const auto& tokenizer = *options.tokenizers[t];
    labelled.emplace_back(tokenizer.info().id, counts[t] + (options.with_special ? tokenizer.special_overhead() : 0));
  }
  return labelled;
}

}  // namespace

BookResult failed_book(std::string path, ErrorCode code, std::string message) {
  BookResult r;
  r.file_name = fs::path(path).filename().string();
  r.file_path = std::move(path);
  r.status = code == ErrorCode::kDrm ? BookStatus::kSkipped : BookStatus::kError;
  r.error = BookError{std::string(error_code_name(code)), std::move(message)};
  return r;
}

ScanResult find_epubs(const std::vector<std::string>& paths, bool recursive) {
  ScanResult scan;
  auto source = BookSource::from_paths(paths, recursive);
  while (auto item = source->next()) {
    if (item->failure) {
      scan.failures.push_back(std::move(*item->failure));
    } else {
      scan.books.push_back(std::move(item->path));
    }
  }
  // Report in the order a person reads a folder listing: by the path as found.
  std::sort(scan.books.begin(), scan.books.end());
  return scan;
}

namespace {

// ---- The engine: books → rows, on `jobs` worker threads ------------------
//
// A book is counted as a set of tasks over the texts of its chapters:
//  - span tasks: the words and characters, or one local tokenizer's tokens,
//    of a chapter stretch or of a bundle of whole chapters. A chapter of at
//    least 2 × part_bytes is cut into size / part_bytes stretches; the cut
//    between two stretches is found by the tasks themselves (cut_position),
//    the same on both sides, at a place where the count is additive: a
//    clean split of that tokenizer (Tokenizer::is_clean_split), or for words
//    and characters just before ASCII white space, where UAX #29 always
//    breaks and no rule looks across (text/word_count.cc cuts there too).
//    Smaller chapters are bundled up to part_bytes (a bundle is handed out
//    before it would reach 2 × part_bytes). Each chapter's count is
//    the sum of its stretches', which is exactly the count of its text.
//  - one join task per local tokenizer (repair_joins: the chapter joins of
//    the book's text), which needs only the texts and so runs beside the
//    span tasks; the book's count is then JoinRepair::total of the chapter
//    counts, exactly count_joined()'s.
//  - one task per tokenizer behind an API (book_count_is_chapter_sum()):
//    its count_each() over all the chapters, never cut, as before.
// Span tasks are queued as read_book() hands over each chapter's text, so
// counting overlaps reading; the join and API tasks once the whole book is
// read (they need every chapter and its kind). A book that fails to read
// loses its queued tasks and becomes a failed row.
//
// Scheduling is work stealing by book: a worker runs the tasks of the book
// it read itself, takes the next book from the source when its own book
// has no task queued, and only when the source is empty (or cancelled)
// takes queued tasks of other books in flight. So a book's parts spread
// over several workers only when a worker would otherwise be idle, at most
// one book per worker is in flight, and a library of small books runs as
// it did when each book was one unit of work. Within a book a worker keeps
// to the kind of its last span task (one tokenizer, or words) while that
// kind has tasks queued, and otherwise moves to the kind with the most:
// small parts keep the workers' finishing times close, and a worker that
// changed tokenizer at every part would bring that tokenizer's tables and
// piece cache back into its core's caches each time. Results do not depend
// on who counts what, or when: every stretch count is exact, and the rest
// are sums.

// How the options' tokenizers are counted.
enum class Via : uint8_t {
  kLocal,  // count() of stretches; the book's count from the joins
  kApi,    // count_each() of whole chapters; the book's count is their sum
};

struct ChapterState {
  std::string text;              // as read; never moves (deque element)
  std::vector<uint64_t> tokens;  // per tokenizer, summed over stretches
  uint64_t words = 0;
  uint64_t chars = 0;
};

struct Task {
  enum class Type : uint8_t { kSpan, kJoins, kApi };
  Type type = Type::kSpan;
  // kSpan: the tokenizer index, or words_kind() for words and characters.
  // kJoins, kApi: the tokenizer index.
  size_t kind = 0;
  // kSpan: the chapters counted (indices), with their texts; when
  // `segments` > 1 one chapter, of which stretch `segment` is counted.
  // kJoins: the texts joined. kApi: every chapter's text.
  std::vector<size_t> chapters;
  std::vector<std::string_view> texts;
  uint32_t segment = 0;
  uint32_t segments = 1;
};

// What a task found; recorded under the engine's lock.
struct Outcome {
  std::vector<uint64_t> tokens;        // kSpan of a tokenizer: per chapter of the task
  std::vector<text::TextStats> stats;  // kSpan of words: per chapter of the task
  JoinRepair repair;
  std::vector<Result<tokenizers::TextCount>> api;
};

struct BookJob {
  size_t id = 0;
  std::string path;
  size_t owner = 0;  // the worker that reads it and runs its tasks first
  std::chrono::steady_clock::time_point start;
  std::deque<ChapterState> chapters;  // in spine order, as read
  std::vector<size_t> bundle;         // small chapters not queued yet
  uint64_t bundle_bytes = 0;
  std::deque<Task> first;               // API and join tasks: queued before the spans
  std::vector<std::deque<Task>> spans;  // per kind (Task::kind), in text order
  size_t queued_spans = 0;              // over all kinds
  size_t running = 0;                   // tasks taken and not yet recorded
  bool reading = true;
  std::optional<Result<epub::Book>> book;
  uint64_t file_size = 0;
  std::vector<JoinRepair> repairs;                              // per tokenizer (kLocal)
  std::vector<std::vector<Result<tokenizers::TextCount>>> api;  // per tokenizer (kApi)

  bool has_queued() const { return !first.empty() || queued_spans > 0; }
  void push_span(Task task) {
    spans[task.kind].push_back(std::move(task));
    ++queued_spans;
  }
  // A join or API task if one is queued, else a span task of `kind` if one
  // is queued, else one of the kind with the most queued (and `kind`
  // becomes that kind). Requires has_queued().
  Task pop(size_t& kind) {
    std::deque<Task>* queue = &first;
    if (first.empty()) {
      if (kind >= spans.size() || spans[kind].empty()) {
        kind = 0;
        for (size_t k = 1; k < spans.size(); ++k) {
          if (spans[k].size() > spans[kind].size()) kind = k;
        }
      }
      queue = &spans[kind];
      --queued_spans;
    }
    Task task = std::move(queue->front());
    queue->pop_front();
    return task;
  }
  void clear_queued() {
    first.clear();
    for (std::deque<Task>& queue : spans) queue.clear();
    queued_spans = 0;
  }
};

// One book the source hands out: a path to count, or a row as it is.
struct NextBook {
  size_t id = 0;
  std::string path;
  std::optional<BookResult> ready;
};

using TakeFn = std::function<std::optional<NextBook>()>;
using DoneFn = std::function<void(size_t id, BookResult row)>;

uint64_t elapsed_ms(std::chrono::steady_clock::time_point start) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count());
}

class Engine {
 public:
  // take() and done() are called under the engine's lock (serialised).
  // Once *stop is true no further book is taken; *cancel is handed to the
  // requests of tokenizers behind an API. Either may be null.
  Engine(const CountOptions& options, int jobs, const std::atomic<bool>* stop, const std::atomic<bool>* cancel,
         TakeFn take, DoneFn done)
      : options_(options),
        jobs_(std::clamp(jobs, 1, 1 << 16)),
        stop_(stop),
        cancel_(cancel),
        take_(std::move(take)),
        done_(std::move(done)),
        part_bytes_(jobs_ > 1 ? std::max<uint64_t>(1, options.part_bytes) : UINT64_MAX),
        own_(static_cast<size_t>(jobs_), nullptr),
        kind_of_(static_cast<size_t>(jobs_), SIZE_MAX) {
    for (const auto& tokenizer : options_.tokenizers)
      via_.push_back(tokenizer->book_count_is_chapter_sum() ? Via::kApi : Via::kLocal);
  }

  void run() {
    std::vector<std::thread> pool;
    pool.reserve(static_cast<size_t>(jobs_ - 1));
    for (int w = 1; w < jobs_; ++w) pool.emplace_back([this, w] { work(static_cast<size_t>(w)); });
    work(0);
    for (auto& thread : pool) thread.join();
  }

 private:
  size_t words_kind() const { return options_.tokenizers.size(); }
  bool stopped() const { return stop_ != nullptr && stop_->load(); }

  void work(size_t w) {
    std::unique_lock lock(mutex_);
    for (;;) {
      BookJob* job = own_[w] != nullptr && own_[w]->has_queued() ? own_[w] : nullptr;
      if (job == nullptr && !source_done_ && !stopped()) {
        std::optional<NextBook> next = take_();
        if (!next) {
          source_done_ = true;
          changed_.notify_all();
        } else if (next->ready) {
          done_(next->id, std::move(*next->ready));
        } else {
          read(w, std::move(*next), lock);
        }
        continue;
      }
      if (job == nullptr) job = book_to_help();
      if (job == nullptr) {
        // Nothing queued: tasks can still come from a book being read.
        if (reading_ == 0) return;
        changed_.wait(lock);
        continue;
      }
      Task task = job->pop(kind_of_[w]);
      ++job->running;
      lock.unlock();
      Outcome outcome = run_task(task);
      lock.lock();
      record(*job, task, std::move(outcome));
      --job->running;
      finish_if_done(job);
    }
  }

  // A book in flight with an API or join task queued (those may be long
  // and cannot be cut), else the one with the most span tasks queued;
  // nullptr when nothing is queued anywhere.
  BookJob* book_to_help() {
    BookJob* best = nullptr;
    size_t best_score = 0;
    for (const auto& job : in_flight_) {
      const size_t score = job->first.empty() ? job->queued_spans : SIZE_MAX;
      if (score > best_score) {
        best = job.get();
        best_score = score;
      }
    }
    return best;
  }

  // Reads the book (without the lock) while its chapters' span tasks are
  // queued as they arrive, then queues its join and API tasks.
  void read(size_t w, NextBook next, std::unique_lock<std::mutex>& lock) {
    auto owned = std::make_unique<BookJob>();
    BookJob* job = owned.get();
    job->id = next.id;
    job->path = std::move(next.path);
    job->owner = w;
    job->start = std::chrono::steady_clock::now();
    job->repairs.resize(options_.tokenizers.size());
    job->api.resize(options_.tokenizers.size());
    job->spans.resize(words_kind() + 1);
    in_flight_.push_back(std::move(owned));
    own_[w] = job;
    ++reading_;
    lock.unlock();

    epub::ReadOptions read_options;
    read_options.max_entry_bytes = options_.max_bytes;
    read_options.take_chapter_text = [this, job](std::string text) {
      std::lock_guard chapter_lock(mutex_);
      add_chapter(*job, std::move(text));
    };
    Result<epub::Book> book = epub::read_book(job->path, read_options);
    std::error_code ec;
    const uint64_t file_size = fs::file_size(job->path, ec);

    lock.lock();
    --reading_;
    job->reading = false;
    job->file_size = ec ? 0 : file_size;
    if (book) {
      plan_book(*job, *book);
    } else {
      job->clear_queued();
    }
    job->book = std::move(book);
    changed_.notify_all();
    finish_if_done(job);
  }

  // Queues the span tasks of a chapter just read (under the lock).
  void add_chapter(BookJob& job, std::string text) {
    const size_t index = job.chapters.size();
    ChapterState& chapter = job.chapters.emplace_back();
    chapter.text = std::move(text);
    chapter.tokens.assign(options_.tokenizers.size(), 0);
    const std::string_view view = chapter.text;
    if (view.empty()) return;
    const uint64_t segments = view.size() / part_bytes_;
    if (segments < 2) {
      // A bundle stays under 2 × part_bytes unless one chapter is that large.
      if (job.bundle_bytes + view.size() >= 2 * part_bytes_) flush_bundle(job);
      job.bundle.push_back(index);
      job.bundle_bytes += view.size();
      if (job.bundle_bytes >= part_bytes_) flush_bundle(job);
      return;
    }
    const auto n = static_cast<uint32_t>(std::min<uint64_t>(segments, UINT32_MAX));
    for (uint32_t s = 0; s < n; ++s) {
      for (size_t kind = 0; kind <= words_kind(); ++kind) {
        if (kind < words_kind() && via_[kind] != Via::kLocal) continue;
        Task task;
        task.kind = kind;
        task.chapters = {index};
        task.texts = {view};
        task.segment = s;
        task.segments = n;
        job.push_span(std::move(task));
      }
    }
    changed_.notify_all();
  }

  void flush_bundle(BookJob& job) {
    if (job.bundle.empty()) return;
    std::vector<std::string_view> texts;
    texts.reserve(job.bundle.size());
    for (size_t index : job.bundle) texts.emplace_back(job.chapters[index].text);
    for (size_t kind = 0; kind <= words_kind(); ++kind) {
      if (kind < words_kind() && via_[kind] != Via::kLocal) continue;
      Task task;
      task.kind = kind;
      task.chapters = job.bundle;
      task.texts = texts;
      job.push_span(std::move(task));
    }
    job.bundle.clear();
    job.bundle_bytes = 0;
    changed_.notify_all();
  }

  // Once the book is read: the last bundle, the joins of the chapters in
  // the book's totals, and the API counts (under the lock).
  void plan_book(BookJob& job, const epub::Book& book) {
    flush_bundle(job);
    std::vector<std::string_view> counted;  // the book's text, chapter by chapter
    std::vector<std::string_view> all;
    for (size_t i = 0; i < job.chapters.size(); ++i) {
      const std::string_view text = job.chapters[i].text;
      all.push_back(text);
      if (!text.empty() && options_.exclude.count(book.chapters[i].kind) == 0) counted.push_back(text);
    }
    for (size_t t = 0; t < options_.tokenizers.size(); ++t) {
      Task task;
      task.type = via_[t] == Via::kApi ? Task::Type::kApi : Task::Type::kJoins;
      task.kind = t;
      task.texts = via_[t] == Via::kApi ? all : counted;
      job.first.push_back(std::move(task));
    }
  }

  // Where stretch `b` (1 <= b < segments) of a chapter starts for `kind`:
  // the first additive cut within kCleanSplitSearchBytes of b's even share
  // of the text (and before the next one's), or nullopt. Stretches whose
  // start has no cut are counted as part of the stretch before them. Both
  // tasks beside a cut compute it, with the same answer.
  std::optional<size_t> cut_position(size_t kind, std::string_view text, uint32_t b, uint32_t segments) const {
    const uint64_t size = text.size();
    const size_t target = static_cast<size_t>(size * b / segments);
    const size_t limit = std::min(static_cast<size_t>(size * (b + 1) / segments), target + kCleanSplitSearchBytes);
    if (target == 0 || target >= limit) return std::nullopt;
    if (kind == words_kind()) {
      for (size_t pos = target; pos < limit; ++pos) {
        if (is_ascii_space(text[pos])) return pos;
      }
      return std::nullopt;
    }
    return find_clean_split(*options_.tokenizers[kind], text, target, limit);
  }

  // The stretch a span task of one chapter counts; empty when its start has
  // no cut.
  std::string_view stretch(const Task& task) const {
    const std::string_view text = task.texts[0];
    size_t begin = 0;
    if (task.segment > 0) {
      const std::optional<size_t> cut = cut_position(task.kind, text, task.segment, task.segments);
      if (!cut) return {};
      begin = *cut;
    }
    size_t end = text.size();
    for (uint32_t b = task.segment + 1; b < task.segments; ++b) {
      if (const std::optional<size_t> cut = cut_position(task.kind, text, b, task.segments)) {
        end = *cut;
        break;
      }
    }
    return text.substr(begin, end - begin);
  }

  // Runs a task without the lock: reads only the texts and the tokenizers.
  Outcome run_task(const Task& task) const {
    Outcome outcome;
    switch (task.type) {
      case Task::Type::kSpan: {
        const bool whole = task.segments == 1;
        for (std::string_view text : task.texts) {
          const std::string_view part = whole ? text : stretch(task);
          if (task.kind == words_kind()) {
            outcome.stats.push_back(text::count_text(part));
          } else {
            outcome.tokens.push_back(options_.tokenizers[task.kind]->count(part));
          }
        }
        break;
      }
      case Task::Type::kJoins:
        outcome.repair = repair_joins(*options_.tokenizers[task.kind], task.texts, epub::kChapterSeparator);
        break;
      case Task::Type::kApi: outcome.api = options_.tokenizers[task.kind]->count_each(task.texts, cancel_); break;
    }
    return outcome;
  }

  // Adds a task's outcome to its book (under the lock).
  void record(BookJob& job, const Task& task, Outcome outcome) const {
    switch (task.type) {
      case Task::Type::kSpan:
        for (size_t k = 0; k < task.chapters.size(); ++k) {
          ChapterState& chapter = job.chapters[task.chapters[k]];
          if (task.kind != words_kind()) {
            chapter.tokens[task.kind] += outcome.tokens[k];
          } else {
            chapter.words += outcome.stats[k].words;
            chapter.chars += outcome.stats[k].chars;
          }
        }
        break;
      case Task::Type::kJoins: job.repairs[task.kind] = std::move(outcome.repair); break;
      case Task::Type::kApi: job.api[task.kind] = std::move(outcome.api); break;
    }
  }

  // Hands the book's row over once it is read and nothing of it is queued
  // or running (under the lock).
  void finish_if_done(BookJob* job) {
    if (job->reading || job->running > 0 || job->has_queued()) return;
    BookResult row = make_row(*job);
    done_(job->id, std::move(row));
    for (BookJob*& own : own_) {
      if (own == job) own = nullptr;
    }
    in_flight_.remove_if([job](const std::unique_ptr<BookJob>& j) { return j.get() == job; });
    changed_.notify_all();
  }

  BookResult make_row(BookJob& job) const;

  const CountOptions& options_;
  const int jobs_;
  const std::atomic<bool>* stop_;
  const std::atomic<bool>* cancel_;
  TakeFn take_;
  DoneFn done_;
  const uint64_t part_bytes_;
  std::vector<Via> via_;  // per tokenizer

  std::mutex mutex_;
  std::condition_variable changed_;  // a task was queued, a book read or finished, the source ran dry
  std::list<std::unique_ptr<BookJob>> in_flight_;
  std::vector<BookJob*> own_;    // per worker: the book it read last, while in flight
  std::vector<size_t> kind_of_;  // per worker: the kind of its last span task
  size_t reading_ = 0;           // books being read
  bool source_done_ = false;
};

BookResult Engine::make_row(BookJob& job) const {
  BookResult r;
  Result<epub::Book>& book = *job.book;
  if (!book) {
    r = failed_book(job.path, book.status().code(), book.status().message());
    r.file_size = job.file_size;
    r.processing_ms = elapsed_ms(job.start);
    return r;
  }
  const size_t n_tokenizers = options_.tokenizers.size();
  // A tokenizer behind an API that failed a chapter makes the book a failed
  // row, which still says which book it was: the first failure in
  // tokenizer, then chapter order.
  for (size_t t = 0; t < n_tokenizers; ++t) {
    for (size_t i = 0; i < job.api[t].size(); ++i) {
      if (job.api[t][i]) continue;
      const Status& s = job.api[t][i].status();
      r = failed_book(job.path, s.code(),
                      options_.tokenizers[t]->info().id + ", chapter " + std::to_string(book->chapters[i].index) +
                          " (" + book->chapters[i].href + "): " + s.message());
      r.metadata = std::move(book->metadata);
      r.file_size = job.file_size;
      r.processing_ms = elapsed_ms(job.start);
      return r;
    }
  }

  r.file_path = job.path;
  r.file_name = fs::path(job.path).filename().string();
  r.metadata = std::move(book->metadata);
  r.warnings = std::move(book->warnings);
  // The book's token count is, for a local tokenizer, that of the text
  // `epubtok text` prints for the same options: the non-empty included
  // chapters joined by epub::kChapterSeparator, derived from the chapter
  // counts and the join task's JoinRepair. For a tokenizer whose book count
  // is the sum of its chapters' counts (the API ones), it is that sum.
  std::vector<uint64_t> book_tokens(n_tokenizers, 0);
  std::vector<std::vector<uint64_t>> counted_tokens(n_tokenizers);  // per tokenizer, the counted chapters
  std::vector<bool> book_approximate(n_tokenizers, false);
  for (size_t i = 0; i < book->chapters.size(); ++i) {
    const epub::Chapter& chapter = book->chapters[i];
    const ChapterState& state = job.chapters[i];
    ChapterResult c;
    c.index = chapter.index;
    c.title = chapter.title;
    c.href = chapter.href;
    c.kind = chapter.kind;
    c.linear = chapter.linear;
    c.excluded = options_.exclude.count(chapter.kind) > 0;
    c.word_count = state.words;
    c.char_count = state.chars;
    std::vector<uint64_t> chapter_tokens(n_tokenizers);
    for (size_t t = 0; t < n_tokenizers; ++t) {
      if (via_[t] == Via::kApi) {
        chapter_tokens[t] = job.api[t][i]->tokens;
        if (job.api[t][i]->approximate) {
          c.approximate_tokens.push_back(options_.tokenizers[t]->info().id);
          if (!c.excluded) book_approximate[t] = true;
        }
        if (!c.excluded) book_tokens[t] += chapter_tokens[t];
      } else {
        chapter_tokens[t] = state.tokens[t];
        if (!c.excluded && !state.text.empty()) counted_tokens[t].push_back(state.tokens[t]);
      }
    }
    c.token_counts = label_counts(chapter_tokens, options_);
    if (!c.excluded) {
      r.word_count += state.words;
      r.char_count += state.chars;
    }
    r.chapters.push_back(std::move(c));
  }
  for (size_t t = 0; t < n_tokenizers; ++t) {
    if (via_[t] == Via::kLocal) book_tokens[t] = job.repairs[t].total(counted_tokens[t]);
    if (book_approximate[t]) r.approximate_tokens.push_back(options_.tokenizers[t]->info().id);
  }
  r.token_counts = label_counts(book_tokens, options_);
  r.file_size = job.file_size;
  r.processing_ms = elapsed_ms(job.start);
  return r;
}

}  // namespace

BookResult count_book(const std::string& path, const CountOptions& options, const std::atomic<bool>* cancel) {
  std::optional<BookResult> result;
  bool taken = false;
  Engine engine(
      options, 1, nullptr, cancel,
      [&]() -> std::optional<NextBook> {
        if (taken) return std::nullopt;
        taken = true;
        return NextBook{0, path, std::nullopt};
      },
      [&](size_t, BookResult row) { result = std::move(row); });
  engine.run();
  return std::move(*result);
}

Status count_stream(BookSource& source, const CountOptions& options, int jobs,
                    const std::function<void(const BookResult&, const LibraryProgress&)>& on_book,
                    const std::atomic<bool>* cancel) {
  LibraryProgress progress;
  Engine engine(
      options, jobs, cancel, cancel,
      [&]() -> std::optional<NextBook> {
        std::optional<SourceItem> item = source.next();
        if (!item) return std::nullopt;
        return NextBook{0, std::move(item->path), std::move(item->failure)};
      },
      [&](size_t, const BookResult& row) {
        ++progress.done;
        progress.bytes_done += row.file_size;
        progress.current_file = row.file_name;
        on_book(row, progress);
      });
  engine.run();
  return source.error();
}

std::vector<BookResult> count_library(const std::vector<std::string>& books, const CountOptions& options, int jobs,
                                      const LibraryCallbacks& callbacks, const std::atomic<bool>* cancel) {
  std::vector<std::optional<BookResult>> slots(books.size());
  LibraryProgress progress;
  progress.total = books.size();
  std::vector<uint64_t> sizes(books.size());
  for (size_t i = 0; i < books.size(); ++i) {
    std::error_code ec;
    sizes[i] = fs::file_size(books[i], ec);
    if (ec) sizes[i] = 0;
    progress.bytes_total += sizes[i];
  }

  std::vector<size_t> order(books.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return sizes[a] > sizes[b]; });

  size_t next = 0;
  Engine engine(
      options, jobs, cancel, cancel,
      [&]() -> std::optional<NextBook> {
        if (next >= books.size()) return std::nullopt;
        const size_t i = order[next++];
        if (callbacks.on_start) {
          progress.current_file = fs::path(books[i]).filename().string();
          callbacks.on_start(progress);
        }
        return NextBook{i, books[i], std::nullopt};
      },
      [&](size_t i, BookResult row) {
        ++progress.done;
        progress.bytes_done += sizes[i];
        if (callbacks.on_book) callbacks.on_book(row, progress);
        slots[i] = std::move(row);
      });
  engine.run();

  std::vector<BookResult> results;
  results.reserve(books.size());
  for (auto& slot : slots) {
    if (slot) results.push_back(std::move(*slot));
  }
  return results;
}

Result<std::vector<std::shared_ptr<const tokenizers::Tokenizer>>> load_tokenizers(
    const std::vector<std::string>& names) {
  using Loaded = Result<std::shared_ptr<const tokenizers::Tokenizer>>;
  std::vector<std::future<Loaded>> loads;
  loads.reserve(names.size());
  for (const std::string& name : names) {
    loads.push_back(std::async(std::launch::async, [&name] { return tokenizers::Registry::global().get(name); }));
  }
  std::vector<std::shared_ptr<const tokenizers::Tokenizer>> loaded;
  Status first_error;
  for (auto& load : loads) {
    Loaded tokenizer = load.get();  // wait for every load, even after a failure
    if (!tokenizer) {
      if (first_error.is_ok()) first_error = tokenizer.status();
      continue;
    }
    if (std::find(loaded.begin(), loaded.end(), *tokenizer) == loaded.end()) loaded.push_back(*tokenizer);
  }
  if (!first_error.is_ok()) return first_error;
  return loaded;
}

Result<CountOptions> make_count_options(const model::RunRequest& request) {
  auto tokenizers = load_tokenizers(request.tokenizers);
  if (!tokenizers) return tokenizers.status();
  CountOptions options;
  options.tokenizers = std::move(*tokenizers);
  options.exclude.insert(request.exclude.begin(), request.exclude.end());
  options.max_bytes = request.max_mb << 20;
  options.with_special = request.with_special;
  return options;
}

}  // namespace epubtok::count
