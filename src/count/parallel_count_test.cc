// count -j N cuts a book's chapters into parts that several workers count
// (counter.cc, "The engine"). These tests force many parts on small books
// (CountOptions::part_bytes) and check that nothing a user sees changes:
// every row equals the one-worker row and the direct counts of the texts,
// for tokenizers with clean splits, without them, and behind an API.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "count/counter.h"
#include "epub/epub_reader.h"
#include "support/epub_builder.h"
#include "support/fake_anthropic.h"
#include "support/prose.h"
#include "support/random_unicode.h"
#include "support/tricky_strings.h"
#include "text/text_stats.h"
#include "tokenizers/anthropic/api_tokenizer.h"
#include "tokenizers/registry.h"

namespace epubtok::count {
namespace {
namespace fs = std::filesystem;
using model::BookResult;
using model::BookStatus;

// Small enough that the long chapters below become dozens of stretches per
// tokenizer and the short ones are bundled.
constexpr uint64_t kTinyParts = 1500;

class ParallelCountTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("epubtok-parallel-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A book in `language`: a title page (front matter), three long chapters
  // of generated book text (the middle one with a picture only), a few short
  // ones, and an index (back matter).
  std::string write_book(const std::string& language, uint64_t seed) {
    testing::EpubSpec spec;
    spec.metadata.title = "Parts " + language;
    spec.metadata.languages = {language};
    auto front = testing::make_chapter("front.xhtml", "Title", {test_support::generate_prose(language, seed, 12)});
    front.landmark = "titlepage";
    spec.chapters.push_back(front);
    for (int c = 0; c < 6; ++c) {
      const size_t bytes = c % 2 == 0 ? 24000 : 300;
      std::string text = test_support::generate_book(seed * 31 + static_cast<uint64_t>(c), bytes, language);
      std::vector<std::string> paragraphs;
      for (size_t at = 0; at < text.size();) {
        size_t end = text.find("\n\n", at);
        if (end == std::string::npos) end = text.size();
        paragraphs.push_back(text.substr(at, end - at));
        at = end + 2;
      }
      spec.chapters.push_back(
          testing::make_chapter("c" + std::to_string(c) + ".xhtml", "Chapter " + std::to_string(c), paragraphs));
    }
    testing::ChapterSpec picture;
    picture.file_name = "picture.xhtml";
    picture.body = "<img src=\"p.png\" alt=\"\"/>";
    spec.chapters.insert(spec.chapters.begin() + 3, picture);
    auto back = testing::make_chapter("back.xhtml", "Index", {test_support::generate_prose(language, seed + 1, 30)});
    back.landmark = "index";
    spec.chapters.push_back(back);
    std::string path = (dir_ / ("book-" + language + ".epub")).string();
    EXPECT_TRUE(testing::write_file(path, testing::build_epub(spec)));
    return path;
  }

  fs::path dir_;
};

std::shared_ptr<const tokenizers::Tokenizer> load(const std::string& id) {
  auto tokenizer = tokenizers::Registry::global().get(id);
  if (!tokenizer) ADD_FAILURE() << tokenizer.status().to_string();
  return tokenizer ? *tokenizer : nullptr;
}

bool all_loaded(const CountOptions& options) {
  return std::all_of(options.tokenizers.begin(), options.tokenizers.end(),
                     [](const auto& tokenizer) { return tokenizer != nullptr; });
}

// Every number of two rows, with the chapter as context.
void expect_same_row(const BookResult& a, const BookResult& b, const std::string& what) {
  ASSERT_EQ(a.status, b.status) << what;
  EXPECT_EQ(a.file_path, b.file_path) << what;
  EXPECT_EQ(a.word_count, b.word_count) << what;
  EXPECT_EQ(a.char_count, b.char_count) << what;
  EXPECT_EQ(a.token_counts, b.token_counts) << what;
  EXPECT_EQ(a.approximate_tokens, b.approximate_tokens) << what;
  EXPECT_EQ(a.error.has_value(), b.error.has_value()) << what;
  if (a.error && b.error) {
    EXPECT_EQ(a.error->code, b.error->code) << what;
    EXPECT_EQ(a.error->message, b.error->message) << what;
  }
  ASSERT_EQ(a.chapters.size(), b.chapters.size()) << what;
  for (size_t i = 0; i < a.chapters.size(); ++i) {
    EXPECT_EQ(a.chapters[i].word_count, b.chapters[i].word_count) << what << ", chapter " << i;
    EXPECT_EQ(a.chapters[i].char_count, b.chapters[i].char_count) << what << ", chapter " << i;
    EXPECT_EQ(a.chapters[i].token_counts, b.chapters[i].token_counts) << what << ", chapter " << i;
    EXPECT_EQ(a.chapters[i].excluded, b.chapters[i].excluded) << what << ", chapter " << i;
  }
}

// The row's numbers against counting the texts directly: each chapter's
// text, and the book's text as `epubtok text` prints it without the
// excluded chapters.
void expect_direct_counts(const BookResult& row, const CountOptions& options) {
  ASSERT_EQ(row.status, BookStatus::kOk) << row.file_path;
  Result<epub::Book> book = epub::read_book(row.file_path);
  ASSERT_TRUE(book);
  ASSERT_EQ(row.chapters.size(), book->chapters.size());
  epub::Book included;
  uint64_t words = 0;
  for (size_t i = 0; i < book->chapters.size(); ++i) {
    const std::string& text = book->chapters[i].text;
    const text::TextStats stats = text::count_text(text);
    EXPECT_EQ(row.chapters[i].word_count, stats.words) << row.file_path << ", chapter " << i;
    EXPECT_EQ(row.chapters[i].char_count, stats.chars) << row.file_path << ", chapter " << i;
    for (size_t t = 0; t < options.tokenizers.size(); ++t) {
      EXPECT_EQ(row.chapters[i].token_counts[t].second, options.tokenizers[t]->count(text))
          << row.file_path << ", chapter " << i << ", " << options.tokenizers[t]->info().id;
    }
    if (options.exclude.count(book->chapters[i].kind) == 0) {
      included.chapters.push_back(book->chapters[i]);
      words += stats.words;
    }
  }
  EXPECT_EQ(row.word_count, words) << row.file_path;
  const std::string text = epub::book_text(included);
  for (size_t t = 0; t < options.tokenizers.size(); ++t) {
    EXPECT_EQ(row.token_counts[t].second, options.tokenizers[t]->count(text))
        << row.file_path << ", " << options.tokenizers[t]->info().id;
  }
}

TEST_F(ParallelCountTest, PartsCountLikeOneWorkerAndLikeTheWholeText) {
  std::vector<std::string> books;
  for (const char* language : {"en", "hi", "ru", "ar", "el", "zh", "ja", "th", "ko"}) {
    books.push_back(write_book(language, 7 + books.size()));
  }
  CountOptions options;
  // With clean splits (tiktoken, Claude, a byte-level preset) and without
  // (SentencePiece): the latter's chapters stay whole, its joins are the
  // whole book.
  for (const char* id : {"cl100k_base", "o200k_base", "claude", "llama-3", "llama-2"})
    options.tokenizers.push_back(load(id));
  ASSERT_TRUE(all_loaded(options));
  options.exclude = {epub::ChapterKind::kFront, epub::ChapterKind::kBack};

  const std::vector<BookResult> one = count_library(books, options, 1);
  CountOptions parts = options;
  parts.part_bytes = kTinyParts;
  for (int jobs : {2, 4}) {
    const std::vector<BookResult> many = count_library(books, parts, jobs);
    ASSERT_EQ(many.size(), books.size());
    for (size_t b = 0; b < books.size(); ++b)
      expect_same_row(one[b], many[b], books[b] + " -j " + std::to_string(jobs));
  }
  for (const BookResult& row : one) expect_direct_counts(row, options);
  // A book alone, with more workers than it has chapters.
  const BookResult alone = count_library({books[1]}, parts, 8).at(0);
  expect_same_row(one[1], alone, books[1] + " alone");
}

// The default part size (kPartBytes), as `count -j N` uses it: chapters
// long enough to be cut into stretches (one of them more than three parts),
// chapters bundled (one that closes a bundle early, one too large to join
// the bundle before it), in English (where a cut anywhere but at a clean
// split changes the counts), Sanskrit (long compounds) and Chinese (no
// spaces: cuts for words are rare, stretches merge).
TEST_F(ParallelCountTest, DefaultPartsCountLikeTheWholeText) {
  const std::vector<size_t> sizes = {kPartBytes * 7 / 2, kPartBytes / 3, kPartBytes * 3 / 2, kPartBytes * 2 + 100,
                                     kPartBytes / 2,     kPartBytes / 5, kPartBytes * 3 / 4};
  std::vector<std::string> books;
  for (const char* language : {"en", "sa", "zh"}) {
    testing::EpubSpec spec;
    spec.metadata.title = std::string("Default parts ") + language;
    spec.metadata.languages = {language};
    for (size_t c = 0; c < sizes.size(); ++c) {
      const std::string text = test_support::generate_script_book(100 + c, sizes[c], language);
      std::vector<std::string> paragraphs;
      for (size_t at = 0; at < text.size();) {
        size_t end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        if (end > at) paragraphs.push_back(text.substr(at, end - at));
        at = end + 1;
      }
      spec.chapters.push_back(
          testing::make_chapter("c" + std::to_string(c) + ".xhtml", "Chapter " + std::to_string(c), paragraphs));
    }
    books.push_back((dir_ / (std::string("default-") + language + ".epub")).string());
    ASSERT_TRUE(testing::write_file(books.back(), testing::build_epub(spec)));
  }
  CountOptions options;
  for (const char* id : {"o200k_base", "claude"}) options.tokenizers.push_back(load(id));
  ASSERT_TRUE(all_loaded(options));
  ASSERT_EQ(options.part_bytes, kPartBytes);

  const std::vector<BookResult> one = count_library(books, options, 1);
  for (const BookResult& row : one) expect_direct_counts(row, options);
  for (size_t b = 0; b < books.size(); ++b) {
    // Each book alone, so that both workers count parts of it.
    expect_same_row(one[b], count_library({books[b]}, options, 2).at(0), books[b] + " -j 2");
  }
}

TEST_F(ParallelCountTest, StreamGivesTheSameRowsWhateverTheWorkers) {
  std::vector<std::string> books;
  for (const char* language : {"en", "hi", "zh"}) books.push_back(write_book(language, 40 + books.size()));
  CountOptions options;
  options.tokenizers = {load("o200k_base")};
  ASSERT_TRUE(all_loaded(options));
  options.part_bytes = kTinyParts;
  auto rows_of = [&](int jobs) {
    auto source = BookSource::from_paths({dir_.string()}, false);
    std::map<std::string, BookResult> rows;
    Status status = count_stream(*source, options, jobs, [&](const BookResult& row, const LibraryProgress& progress) {
      EXPECT_EQ(progress.done, rows.size() + 1);
      rows.emplace(row.file_path, row);
    });
    EXPECT_TRUE(status.is_ok());
    return rows;
  };
  const std::map<std::string, BookResult> one = rows_of(1);
  ASSERT_EQ(one.size(), books.size());
  for (int run = 0; run < 3; ++run) {
    const std::map<std::string, BookResult> many = rows_of(3);
    ASSERT_EQ(many.size(), one.size());
    for (const auto& [path, row] : one) expect_same_row(row, many.at(path), path + " run " + std::to_string(run));
  }
}

// Cancelling stops taking books; the books in flight (at most one per
// worker) still finish whole, so every row returned is the complete one.
TEST_F(ParallelCountTest, CancelFinishesTheBooksInFlightWhole) {
  std::vector<std::string> books;
  for (const char* language : {"en", "hi", "ru", "ar", "zh", "ja"})
    books.push_back(write_book(language, 60 + books.size()));
  CountOptions options;
  options.tokenizers = {load("cl100k_base")};
  ASSERT_TRUE(all_loaded(options));
  const std::vector<BookResult> one = count_library(books, options, 1);
  options.part_bytes = kTinyParts;
  std::atomic<bool> cancel{false};
  LibraryCallbacks callbacks;
  size_t started = 0;
  callbacks.on_start = [&](const LibraryProgress&) { ++started; };
  callbacks.on_book = [&](const BookResult&, const LibraryProgress&) { cancel = true; };
  const std::vector<BookResult> rows = count_library(books, options, 3, callbacks, &cancel);
  ASSERT_GE(rows.size(), 1u);
  EXPECT_LE(rows.size(), 3u);
  EXPECT_EQ(rows.size(), started);
  for (const BookResult& row : rows) {
    const auto it = std::find(books.begin(), books.end(), row.file_path);
    ASSERT_NE(it, books.end());
    expect_same_row(one[static_cast<size_t>(it - books.begin())], row, row.file_path + " after cancel");
  }
}

TEST_F(ParallelCountTest, ABookThatFailsAfterSomeChaptersIsTheSameFailedRow) {
  const std::string path = write_book("en", 3);
  CountOptions options;
  options.tokenizers = {load("cl100k_base")};
  ASSERT_TRUE(all_loaded(options));
  // Over the limit only once the first long chapters have been read (and
  // handed to the workers).
  options.max_bytes = 50000;
  const BookResult one = count_library({path}, options, 1).at(0);
  EXPECT_EQ(one.status, BookStatus::kError);
  EXPECT_EQ(one.error->code, "EPUB_TOO_LARGE");
  options.part_bytes = kTinyParts;
  expect_same_row(one, count_library({path}, options, 4).at(0), "-j 4");
}

// A tokenizer behind an API (the real claude-api tokenizer, against the
// fake Anthropic server) is sent each chapter whole, never a part, even with
// many workers and tiny parts; its book count is the sum of its chapters.
TEST_F(ParallelCountTest, AnApiTokenizerIsSentWholeChapters) {
  testing::FakeAnthropic fake;
  tokenizers::anthropic::ClientOptions client;
  client.base_url = fake.base_url();
  client.api_key = "sk-ant-test-key";
  client.timeout_ms = 10'000;
  tokenizers::TokenizerInfo info;
  info.id = "claude-api:claude-sonnet-4-5";
  CountOptions options;
  options.tokenizers = {load("o200k_base"), std::make_shared<tokenizers::anthropic::ApiTokenizer>(
                                                info, "claude-sonnet-4-5", client, nullptr, 4)};
  ASSERT_TRUE(all_loaded(options));
  options.part_bytes = kTinyParts;
  options.exclude = {epub::ChapterKind::kFront};
  const std::string path = write_book("en", 11);
  const BookResult row = count_library({path}, options, 4).at(0);
  ASSERT_EQ(row.status, BookStatus::kOk) << row.error->message;

  Result<epub::Book> book = epub::read_book(path);
  ASSERT_TRUE(book);
  std::multiset<std::string> chapters;
  uint64_t sum = 0;
  for (size_t i = 0; i < book->chapters.size(); ++i) {
    const std::string& text = book->chapters[i].text;
    if (text.empty()) continue;
    chapters.insert(text);
    EXPECT_EQ(row.chapters[i].token_counts[1].second, testing::fake_text_tokens(text)) << "chapter " << i;
    if (book->chapters[i].kind != epub::ChapterKind::kFront) sum += testing::fake_text_tokens(text);
  }
  EXPECT_EQ(row.token_counts[1].second, sum);
  std::multiset<std::string> sent;
  for (const testing::RecordedRequest& request : fake.requests()) {
    const boost::json::value body = boost::json::parse(request.body);
    const boost::json::value& content = body.at("messages").at(0).at("content");
    const std::string text(content.is_string() ? content.as_string() : content.at(0).at("text").as_string());
    if (text != "x") sent.insert(text);  // "x" measures the framing overhead
  }
  EXPECT_EQ(sent, chapters);
}

// The words-and-characters cut (before ASCII white space) is additive on
// every string the word counter is tested with.
TEST(WordCutTest, CountsAddUpAtAsciiWhiteSpace) {
  std::vector<std::string> texts = test_support::tricky_strings();
  test_support::TestRng rng(5);
  for (int i = 0; i < 300; ++i) {
    texts.push_back(test_support::random_unicode(rng.next(), 60, test_support::RandomUnicodeMode::kAnyScalar));
    texts.push_back(test_support::random_unicode(rng.next(), 60, test_support::RandomUnicodeMode::kMixedScriptWords));
  }
  for (const char* language : {"en", "hi", "th", "ja", "ko", "ar"}) {
    texts.push_back(test_support::generate_prose(language, 3, 120));
  }
  for (const std::string& text : texts) {
    const text::TextStats whole = text::count_text(text);
    for (size_t pos = 1; pos < text.size(); ++pos) {
      const char c = text[pos];
      if (!(c == ' ' || (c >= '\t' && c <= '\r'))) continue;
      const text::TextStats a = text::count_text(std::string_view(text).substr(0, pos));
      const text::TextStats b = text::count_text(std::string_view(text).substr(pos));
      ASSERT_EQ(a.words + b.words, whole.words) << "cut at " << pos << " of \"" << text << "\"";
      ASSERT_EQ(a.chars + b.chars, whole.chars) << "cut at " << pos << " of \"" << text << "\"";
    }
  }
}

}  // namespace
}  // namespace epubtok::count
