#include "count/counter.h"

#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <future>
#include <mutex>
#include <numeric>
#include <optional>
#include <system_error>
#include <thread>

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

// Tokens of every chapter under every tokenizer, [tokenizer][chapter],
// without the post-processor's special tokens, through the fallible path
// (Tokenizer::count_each): a tokenizer behind an API may fail a chapter.
// Returns the first failure, in tokenizer then chapter order, naming the
// chapter.
Result<std::vector<std::vector<tokenizers::TextCount>>> count_chapters(const std::vector<epub::Chapter>& chapters,
                                                                       const CountOptions& options,
                                                                       const std::atomic<bool>* cancel) {
  std::vector<std::string_view> texts;
  texts.reserve(chapters.size());
  for (const epub::Chapter& chapter : chapters) texts.push_back(chapter.text);
  std::vector<std::vector<tokenizers::TextCount>> counts(options.tokenizers.size());
  for (size_t t = 0; t < options.tokenizers.size(); ++t) {
    std::vector<Result<tokenizers::TextCount>> each = options.tokenizers[t]->count_each(texts, cancel);
    counts[t].reserve(each.size());
    for (size_t i = 0; i < each.size(); ++i) {
      if (!each[i]) {
        const Status& s = each[i].status();
        return Status(s.code(), options.tokenizers[t]->info().id + ", chapter " + std::to_string(chapters[i].index) +
                                    " (" + chapters[i].href + "): " + s.message());
      }
      counts[t].push_back(*each[i]);
    }
  }
  return counts;
}

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

BookResult count_book(const std::string& path, const CountOptions& options, const std::atomic<bool>* cancel) {
  auto start = std::chrono::steady_clock::now();
  auto elapsed_ms = [&] {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count());
  };

  epub::ReadOptions read_options;
  read_options.max_entry_bytes = options.max_bytes;
  Result<epub::Book> book = epub::read_book(path, read_options);
  Result<std::vector<std::vector<tokenizers::TextCount>>> tokens =
      book ? count_chapters(book->chapters, options, cancel)
           : Result<std::vector<std::vector<tokenizers::TextCount>>>(book.status());

  BookResult r;
  std::error_code ec;
  if (!book) {
    r = failed_book(path, book.status().code(), book.status().message());
  } else if (!tokens) {
    // A tokenizer behind an API failed a chapter: the book is a failed row,
    // which still says which book it was.
    r = failed_book(path, tokens.status().code(), tokens.status().message());
    r.metadata = std::move(book->metadata);
  } else {
    r.file_path = path;
    r.file_name = fs::path(path).filename().string();
    r.metadata = std::move(book->metadata);
    r.warnings = std::move(book->warnings);

    // The book's token count is, for a local tokenizer, that of the text
    // `epubtok text` prints for the same options: the non-empty included
    // chapters joined by epub::kChapterSeparator, which count_joined()
    // derives from the chapter counts, recounting only the joins. For a
    // tokenizer whose book count is the sum of its chapters' counts
    // (Tokenizer::book_count_is_chapter_sum(): the API ones), it is that sum.
    const size_t n_tokenizers = options.tokenizers.size();
    std::vector<std::string_view> counted_texts;
    std::vector<size_t> counted_chapters;  // indices into book->chapters
    std::vector<bool> book_approximate(n_tokenizers, false);
    for (size_t i = 0; i < book->chapters.size(); ++i) {
      const epub::Chapter& chapter = book->chapters[i];
      ChapterResult c;
      c.index = chapter.index;
      c.title = chapter.title;
      c.href = chapter.href;
      c.kind = chapter.kind;
      c.linear = chapter.linear;
      c.excluded = options.exclude.count(chapter.kind) > 0;
      text::TextStats stats = text::count_text(chapter.text);
      c.word_count = stats.words;
      c.char_count = stats.chars;
      std::vector<uint64_t> chapter_tokens(n_tokenizers);
      for (size_t t = 0; t < n_tokenizers; ++t) {
        chapter_tokens[t] = (*tokens)[t][i].tokens;
        if ((*tokens)[t][i].approximate) {
          c.approximate_tokens.push_back(options.tokenizers[t]->info().id);
          if (!c.excluded) book_approximate[t] = true;
        }
      }
      c.token_counts = label_counts(chapter_tokens, options);
      if (!c.excluded) {
        r.word_count += stats.words;
        r.char_count += stats.chars;
        if (!chapter.text.empty()) {
          counted_texts.push_back(chapter.text);
          counted_chapters.push_back(i);
        }
      }
      r.chapters.push_back(std::move(c));
    }
    std::vector<uint64_t> book_tokens(n_tokenizers);
    std::vector<uint64_t> chapter_counts(counted_texts.size());
    for (size_t t = 0; t < n_tokenizers; ++t) {
      for (size_t k = 0; k < counted_texts.size(); ++k) chapter_counts[k] = (*tokens)[t][counted_chapters[k]].tokens;
      const tokenizers::Tokenizer& tokenizer = *options.tokenizers[t];
      book_tokens[t] = tokenizer.book_count_is_chapter_sum()
                           ? std::accumulate(chapter_counts.begin(), chapter_counts.end(), uint64_t{0})
                           : count_joined(tokenizer, counted_texts, chapter_counts, epub::kChapterSeparator);
      if (book_approximate[t]) r.approximate_tokens.push_back(tokenizer.info().id);
    }
    r.token_counts = label_counts(book_tokens, options);
  }
  r.file_size = fs::file_size(path, ec);
  if (ec) r.file_size = 0;
  r.processing_ms = elapsed_ms();
  return r;
}

namespace {

// Runs min(jobs, limit) workers over a queue of work items. `take` yields
// the next item (or nullopt when there is none) and `done` receives each
// item's row; both are called under one lock, so they are serialised.
// count_book() runs outside the lock. A null item path means the item is
// already a row (a failure) and is handed to `done` as it is.
template <typename Item>
void run_workers(int jobs, size_t limit, const std::function<std::optional<Item>()>& take,
                 const std::function<const std::string&(const Item&)>& path_of,
                 const std::function<std::optional<BookResult>(Item&)>& ready_row,
                 const std::function<void(Item&, BookResult)>& done, const CountOptions& options,
                 const std::atomic<bool>* cancel) {
  std::mutex mutex;
  auto worker = [&] {
    for (;;) {
      std::optional<Item> item;
      {
        std::lock_guard lock(mutex);
        if (cancel && cancel->load()) return;
        item = take();
        if (!item) return;
        if (auto row = ready_row(*item)) {
          done(*item, std::move(*row));
          continue;
        }
      }
      BookResult result = count_book(path_of(*item), options, cancel);
      std::lock_guard lock(mutex);
      done(*item, std::move(result));
    }
  };
  int threads = std::clamp<int>(jobs, 1, static_cast<int>(std::max<size_t>(1, std::min<size_t>(limit, 1 << 16))));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
}

}  // namespace

Status count_stream(BookSource& source, const CountOptions& options, int jobs,
                    const std::function<void(const BookResult&, const LibraryProgress&)>& on_book,
                    const std::atomic<bool>* cancel) {
  LibraryProgress progress;
  run_workers<SourceItem>(
      jobs, SIZE_MAX, [&] { return source.next(); },
      [](const SourceItem& item) -> const std::string& { return item.path; },
      [](SourceItem& item) { return std::move(item.failure); },
      [&](SourceItem&, BookResult row) {
        ++progress.done;
        progress.bytes_done += row.file_size;
        progress.current_file = row.file_name;
        on_book(row, progress);
      },
      options, cancel);
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
  run_workers<size_t>(
      jobs, books.size(),
      [&]() -> std::optional<size_t> {
        if (next >= books.size()) return std::nullopt;
        const size_t i = order[next++];
        if (callbacks.on_start) {
          progress.current_file = fs::path(books[i]).filename().string();
          callbacks.on_start(progress);
        }
        return i;
      },
      [&](const size_t& i) -> const std::string& { return books[i]; },
      [](size_t&) { return std::optional<BookResult>(); },
      [&](size_t& i, BookResult result) {
        ++progress.done;
        progress.bytes_done += sizes[i];
        if (callbacks.on_book) callbacks.on_book(result, progress);
        slots[i] = std::move(result);
      },
      options, cancel);

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
