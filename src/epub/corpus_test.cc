// Reads every EPUB in /work/shared/corpus (real books from the W3C EPUB 3
// samples) when that folder exists. The one allowed skip: machines without
// the corpus skip this test, everything else is generated fixtures.
#include <gtest/gtest.h>

#include <filesystem>

#include "epub/epub_reader.h"

namespace epubtok::epub {
namespace {

constexpr const char* kCorpus = "/work/shared/corpus";

TEST(Corpus, EveryBookReads) {
  if (!std::filesystem::is_directory(kCorpus)) GTEST_SKIP() << kCorpus << " is absent";
  int books = 0;
  for (const auto& e : std::filesystem::directory_iterator(kCorpus)) {
    if (e.path().extension() != ".epub") continue;
    ++books;
    Result<Book> r = read_book(e.path().string());
    ASSERT_TRUE(r.is_ok()) << e.path() << ": " << r.status().to_string();
    EXPECT_FALSE(r->chapters.empty()) << e.path();
    EXPECT_FALSE(r->metadata.title.empty()) << e.path();
    EXPECT_FALSE(book_text(*r).empty()) << e.path();
  }
  EXPECT_GT(books, 0);
}

TEST(Corpus, JapaneseRubyReadingsAreNotInTheText) {
  std::filesystem::path p = std::filesystem::path(kCorpus) / "kusamakura-japanese-vertical-writing.epub";
  if (!std::filesystem::exists(p)) GTEST_SKIP() << p << " is absent";
  Result<Book> r = read_book(p.string());
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  std::string text = book_text(*r);
  // The novel's opening line; in the source, 山路 carries the reading やまみち.
  EXPECT_NE(text.find("山路を登りながら"), std::string::npos);
  EXPECT_EQ(text.find("やまみち"), std::string::npos);
}

}  // namespace
}  // namespace epubtok::epub
