// The generated sample and benchmark libraries read back with the
// properties their generator (tests/support/sample_library.cc) put in.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>

#include "epub/epub_reader.h"
#include "support/sample_library.h"

namespace epubtok::epub {
namespace {

// Per process (ctest runs each test case as its own process, in parallel):
// <TempDir>/sample_library_test.<pid>/<name>, removed when the process exits.
std::filesystem::path process_dir() {
  return std::filesystem::path(::testing::TempDir()) / ("sample_library_test." + std::to_string(::getpid()));
}

struct RemoveAtExit {
  ~RemoveAtExit() {
    std::error_code ec;
    std::filesystem::remove_all(process_dir(), ec);
  }
} remove_at_exit;

std::string temp_dir(const std::string& name) {
  std::filesystem::path p = process_dir() / name;
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p.string();
}

class SampleLibrary : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::vector<std::string> paths = testing::make_sample_library(temp_dir("samples"));
    for (const std::string& p : paths) {
      Result<Book> r = read_book(p);
      ASSERT_TRUE(r.is_ok()) << p << ": " << r.status().to_string();
      books_->emplace(std::filesystem::path(p).filename().string(), std::move(*r));
    }
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(temp_dir("samples")); }
  static const Book& book(const std::string& name) { return books_->at(name); }
  static inline std::map<std::string, Book>* books_ = new std::map<std::string, Book>();
};

TEST_F(SampleLibrary, HasSevenBooksInSevenLanguages) {
  ASSERT_EQ(books_->size(), 7u);
  std::set<std::string> langs;
  for (const auto& [name, b] : *books_) {
    ASSERT_EQ(b.metadata.languages.size(), 1u) << name;
    langs.insert(b.metadata.languages[0]);
    EXPECT_GE(b.chapters.size(), 3u) << name;
    EXPECT_TRUE(b.warnings.empty()) << name << ": " << b.warnings[0];
  }
  EXPECT_EQ(langs, (std::set<std::string>{"en", "fr", "de", "ja", "zh-Hans", "ru", "ar"}));
}

TEST_F(SampleLibrary, Epub2EnglishWithGuideAndWindows1252Chapter) {
  const Book& b = book("the-lantern-keeper.epub");
  EXPECT_EQ(b.metadata.epub_version, "2.0");
  EXPECT_EQ(b.metadata.isbn, "9780306406157");
  EXPECT_EQ(b.chapters.front().kind, ChapterKind::kFront);  // guide: cover
  EXPECT_EQ(b.chapters[2].kind, ChapterKind::kBody);        // guide: text
  EXPECT_EQ(b.chapters.back().kind, ChapterKind::kBack);    // guide: colophon
  EXPECT_EQ(b.chapters[5].title, "Chapter 4");              // from the NCX
  // The windows-1252 bytes and the named entities of the legacy chapter.
  EXPECT_NE(b.chapters[5].text.find("Café au lait — naïve & “quoted” … © 2019 été"), std::string::npos);
}

TEST_F(SampleLibrary, FrenchSeriesAndLandmarks) {
  const Book& b = book("le-jardin-des-heures.epub");
  EXPECT_EQ(b.metadata.series, "Les Saisons");
  EXPECT_EQ(b.metadata.series_index, "2");
  ASSERT_EQ(b.metadata.authors.size(), 2u);
  EXPECT_EQ(b.metadata.authors[1].role, "trl");
  std::vector<std::string> kinds;
  for (const Chapter& c : b.chapters) kinds.emplace_back(chapter_kind_name(c.kind));
  EXPECT_EQ(kinds, (std::vector<std::string>{"front", "front", "front", "body", "body", "body", "back"}));
}

TEST_F(SampleLibrary, GermanNonLinearNotesAndCalibreSeries) {
  const Book& b = book("die-stille-stadt.epub");
  EXPECT_EQ(b.metadata.series, "Stadtgeschichten");
  EXPECT_FALSE(b.chapters.back().linear);
  EXPECT_EQ(b.chapters.back().kind, ChapterKind::kBack);
  for (size_t i = 0; i + 1 < b.chapters.size(); ++i) EXPECT_TRUE(b.chapters[i].linear);
}

TEST_F(SampleLibrary, JapaneseFuriganaAreNotText) {
  const Book& b = book("yama-no-tegami.epub");
  std::string text = book_text(b);
  // The generator wraps 今日, 家族, … in ruby with these readings; the base
  // text must stay and the readings must go.
  // Each chapter ends with 今日は手紙を書きました。 marked up with ruby.
  size_t count = 0;
  for (const Chapter& c : b.chapters)
    count += c.text.size() >= 36 && c.text.compare(c.text.size() - 36, 36, "今日は手紙を書きました。") == 0;
  EXPECT_EQ(count, b.chapters.size());
  for (const char* reading : {"きょう", "てがみ", "かぞく", "じかん", "せんせい", "てんき"})
    EXPECT_EQ(text.find(reading), std::string::npos) << reading;
  EXPECT_EQ(text.find('('), std::string::npos);  // <rp> parentheses dropped too
}

TEST_F(SampleLibrary, BookTextJoinsChaptersWithOneBlankLine) {
  for (const auto& [name, b] : *books_) {
    std::string t = book_text(b);
    EXPECT_EQ(t.find("\n\n\n"), std::string::npos) << name;
    size_t nonempty = 0;
    for (const Chapter& c : b.chapters) nonempty += !c.text.empty();
    size_t blank_lines = 0;
    for (size_t p = t.find("\n\n"); p != std::string::npos; p = t.find("\n\n", p + 2)) ++blank_lines;
    EXPECT_EQ(blank_lines, nonempty - 1) << name;
  }
}

TEST(BenchLibrary, SizesAndReadability) {
  std::string dir = temp_dir("bench");
  std::vector<std::string> paths = testing::make_library(dir, 4, 2.0, 7);
  ASSERT_EQ(paths.size(), 4u);
  uintmax_t total = 0;
  for (const std::string& p : paths) {
    total += std::filesystem::file_size(p);
    Result<Book> r = read_book(p);
    ASSERT_TRUE(r.is_ok()) << p << ": " << r.status().to_string();
    EXPECT_GT(book_text(*r).size(), 50'000u) << p;
  }
  EXPECT_NEAR(static_cast<double>(total) / 1e6, 2.0, 0.4);
  // Deterministic: the same seed gives the same bytes.
  std::vector<std::string> again = testing::make_library(temp_dir("bench2"), 4, 2.0, 7);
  EXPECT_EQ(std::filesystem::file_size(again[2]), std::filesystem::file_size(paths[2]));
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(temp_dir("bench2"));
}

}  // namespace
}  // namespace epubtok::epub
