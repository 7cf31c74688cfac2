#include "count/counter.h"

#include <unistd.h>
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "epub/epub_reader.h"
#include "support/epub_builder.h"
#include "text/text_stats.h"

namespace epubtok::count {
namespace {
namespace fs = std::filesystem;
using model::BookResult;
using model::BookStatus;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A stand-in tokenizer: one token per byte, plus 2 "post-processor" tokens.
// The pipeline's contract (which text is counted, how totals add up) does
// not depend on the vocabulary, so this keeps these tests independent of it.
class ByteTokenizer : public tokenizers::Tokenizer {
 public:
  ByteTokenizer() { info_.id = "bytes"; }
  const tokenizers::TokenizerInfo& info() const override { return info_; }
  uint64_t count(std::string_view text) const override { return text.size(); }
  std::vector<uint32_t> encode(std::string_view text) const override {
    return std::vector<uint32_t>(text.begin(), text.end());
  }
  uint64_t special_overhead() const override { return 2; }

 private:
  tokenizers::TokenizerInfo info_;
};

class CounterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("epubtok-count-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    options_.tokenizers = {std::make_shared<ByteTokenizer>()};
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write_book(const std::string& name, const testing::EpubSpec& spec) {
    std::string path = (dir_ / name).string();
    EXPECT_TRUE(testing::write_file(path, testing::build_epub(spec)));
    return path;
  }

  static testing::EpubSpec three_part_book() {
    testing::EpubSpec spec;
    spec.metadata.title = "Three Parts";
    auto front = testing::make_chapter("front.xhtml", "Title page", {"A dedication to nobody."});
    front.landmark = "titlepage";
    auto body =
        testing::make_chapter("body.xhtml", "Chapter One", {"It began on a Tuesday.", "Nothing else happened."});
    body.landmark = "bodymatter";
    auto back = testing::make_chapter("back.xhtml", "Index", {"Tuesday, 1."});
    back.landmark = "index";
    spec.chapters = {front, body, back};
    return spec;
  }

  fs::path dir_;
  CountOptions options_;
};

TEST_F(CounterTest, BookCountIsTheCountOfItsPrintedText) {
  std::string path = write_book("three.epub", three_part_book());
  BookResult r = count_book(path, options_);
  ASSERT_EQ(r.status, BookStatus::kOk) << r.error->message;
  Result<epub::Book> book = epub::read_book(path);
  ASSERT_TRUE(book);
  std::string text = epub::book_text(*book);
  ASSERT_EQ(r.token_counts.size(), 1u);
  EXPECT_EQ(r.token_counts[0].first, "bytes");
  EXPECT_EQ(r.token_counts[0].second, text.size());
  text::TextStats stats = text::count_text(text);
  EXPECT_EQ(r.word_count, stats.words);
  EXPECT_EQ(r.char_count, stats.chars);
  ASSERT_EQ(r.chapters.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(r.chapters[i].token_counts[0].second, book->chapters[i].text.size());
    EXPECT_FALSE(r.chapters[i].excluded);
  }
  EXPECT_EQ(r.chapters[1].title, "Chapter One");
  EXPECT_EQ(r.file_name, "three.epub");
  EXPECT_EQ(r.file_size, fs::file_size(path));
  EXPECT_EQ(r.metadata.title, "Three Parts");
}

TEST_F(CounterTest, ExcludedKindsLeaveTheTotalsButStayListed) {
  std::string path = write_book("three.epub", three_part_book());
  options_.exclude = {epub::ChapterKind::kFront, epub::ChapterKind::kBack};
  BookResult r = count_book(path, options_);
  ASSERT_EQ(r.status, BookStatus::kOk);
  Result<epub::Book> book = epub::read_book(path);
  ASSERT_TRUE(book);
  ASSERT_EQ(r.chapters.size(), 3u);
  EXPECT_TRUE(r.chapters[0].excluded);
  EXPECT_FALSE(r.chapters[1].excluded);
  EXPECT_TRUE(r.chapters[2].excluded);
  epub::Book body_only;
  body_only.chapters.push_back(book->chapters[1]);
  EXPECT_EQ(r.token_counts[0].second, epub::book_text(body_only).size());
  EXPECT_EQ(r.word_count, r.chapters[1].word_count);
}

TEST_F(CounterTest, WithSpecialAddsThePostProcessorTokens) {
  std::string path = write_book("three.epub", three_part_book());
  BookResult plain = count_book(path, options_);
  options_.with_special = true;
  BookResult r = count_book(path, options_);
  EXPECT_EQ(r.token_counts[0].second, plain.token_counts[0].second + 2);
  EXPECT_EQ(r.chapters[0].token_counts[0].second, plain.chapters[0].token_counts[0].second + 2);
}

TEST_F(CounterTest, ProblemsBecomeRowsWithStableCodes) {
  testing::EpubSpec drm = three_part_book();
  drm.encryption_xml =
      R"(<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#">)"
      R"(<enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>)"
      R"(<enc:CipherData><enc:CipherReference URI="OEBPS/body.xhtml"/></enc:CipherData></enc:EncryptedData></encryption>)";
  BookResult skipped = count_book(write_book("drm.epub", drm), options_);
  EXPECT_EQ(skipped.status, BookStatus::kSkipped);
  EXPECT_EQ(skipped.error->code, "EPUB_DRM");

  std::string not_zip = (dir_ / "notes.epub").string();
  ASSERT_TRUE(testing::write_file(not_zip, "just some text, not a zip archive at all"));
  BookResult bad = count_book(not_zip, options_);
  EXPECT_EQ(bad.status, BookStatus::kError);
  EXPECT_EQ(bad.error->code, "EPUB_NOT_ZIP");
  EXPECT_EQ(bad.file_name, "notes.epub");

  BookResult missing = count_book((dir_ / "nope.epub").string(), options_);
  EXPECT_EQ(missing.error->code, "FILE_NOT_FOUND");
}

TEST_F(CounterTest, FindEpubsScansFoldersSkipsHiddenAndReportsMissingPaths) {
  write_book("b.epub", three_part_book());
  write_book("A.EPUB", three_part_book());
  write_book("._b.epub", three_part_book());
  write_book("sub/c.epub", three_part_book());
  write_book(".hidden/d.epub", three_part_book());
  testing::write_file((dir_ / "readme.txt").string(), "not a book");

  ScanResult flat = find_epubs({dir_.string()}, false);
  EXPECT_THAT(flat.books, ElementsAre(HasSubstr("A.EPUB"), HasSubstr("b.epub")));
  ScanResult deep = find_epubs({dir_.string(), (dir_ / "b.epub").string()}, true);
  EXPECT_THAT(deep.books, ElementsAre(HasSubstr("A.EPUB"), HasSubstr("/b.epub"), HasSubstr("sub/c.epub")));
  EXPECT_TRUE(deep.failures.empty());

  ScanResult missing = find_epubs({(dir_ / "nowhere").string()}, false);
  EXPECT_TRUE(missing.books.empty());
  ASSERT_EQ(missing.failures.size(), 1u);
  EXPECT_EQ(missing.failures[0].error->code, "FILE_NOT_FOUND");
}

TEST_F(CounterTest, LibraryKeepsOrderReportsProgressAndHonoursCancel) {
  std::vector<std::string> books;
  books.reserve(7);
  for (int i = 0; i < 6; ++i) books.push_back(write_book("book" + std::to_string(i) + ".epub", three_part_book()));
  books.push_back((dir_ / "missing.epub").string());

  size_t starts = 0, finished = 0;
  uint64_t last_bytes = 0;
  LibraryCallbacks callbacks;
  callbacks.on_start = [&](const LibraryProgress& p) { ++starts; };
  callbacks.on_book = [&](const BookResult&, const LibraryProgress& p) {
    ++finished;
    EXPECT_EQ(p.done, finished);
    EXPECT_GE(p.bytes_done, last_bytes);
    last_bytes = p.bytes_done;
  };
  std::vector<BookResult> rows = count_library(books, options_, 3, callbacks);
  ASSERT_EQ(rows.size(), books.size());
  for (size_t i = 0; i < books.size(); ++i) EXPECT_EQ(rows[i].file_path, books[i]);
  EXPECT_EQ(rows.back().error->code, "FILE_NOT_FOUND");
  EXPECT_EQ(starts, books.size());
  EXPECT_EQ(finished, books.size());

  std::atomic<bool> cancel{false};
  callbacks.on_book = [&](const BookResult&, const LibraryProgress&) { cancel = true; };
  std::vector<BookResult> partial = count_library(books, options_, 1, callbacks, &cancel);
  EXPECT_EQ(partial.size(), 1u);
  EXPECT_EQ(partial[0].file_path, books[0]);
}

TEST_F(CounterTest, LibraryStartsTheLargestBooksFirst) {
  std::vector<std::string> books;
  for (int i = 0; i < 4; ++i) {
    testing::EpubSpec spec = three_part_book();
    // Book i carries a stored "image" of i * 10 KB, so later books are larger files.
    testing::ZipEntry image;
    image.name = "OEBPS/image.bin";
    image.data = std::string(size_t{10000} * i, 'x');
    image.method = testing::ZipMethod::kStored;
    spec.extra_files.push_back(image);
    books.push_back(write_book("size" + std::to_string(i) + ".epub", spec));
  }
  std::vector<std::string> started;
  LibraryCallbacks callbacks;
  callbacks.on_start = [&](const LibraryProgress& p) { started.push_back(p.current_file); };
  std::vector<BookResult> rows = count_library(books, options_, 1, callbacks);
  EXPECT_THAT(started, ElementsAre("size3.epub", "size2.epub", "size1.epub", "size0.epub"));
  ASSERT_EQ(rows.size(), books.size());
  for (size_t i = 0; i < books.size(); ++i) EXPECT_EQ(rows[i].file_path, books[i]);  // input order kept
}

}  // namespace
}  // namespace epubtok::count
