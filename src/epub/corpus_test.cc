// Reads every EPUB in the shared corpus (real books from the W3C EPUB 3
// samples; see support/corpus_dir.h for where it is looked for). The one
// allowed skip: machines without the corpus skip these tests, saying where
// they looked; everything else is generated fixtures.
#include <gtest/gtest.h>

#include <filesystem>

#include "epub/epub_reader.h"
#include "support/corpus_dir.h"

namespace epubtok::epub {
namespace {

TEST(Corpus, EveryBookReads) {
  EPUBTOK_REQUIRE_CORPUS(corpus);
  int books = 0;
  for (const auto& e : std::filesystem::directory_iterator(corpus.path)) {
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
  EPUBTOK_REQUIRE_CORPUS(corpus);
  std::filesystem::path p = corpus.path / "kusamakura-japanese-vertical-writing.epub";
  if (!std::filesystem::exists(p)) GTEST_SKIP() << p << " is not in the corpus";
  Result<Book> r = read_book(p.string());
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  std::string text = book_text(*r);
  // The novel's opening line; in the source, 山路 carries the reading やまみち.
  EXPECT_NE(text.find("山路を登りながら"), std::string::npos);
  EXPECT_EQ(text.find("やまみち"), std::string::npos);
}

}  // namespace
}  // namespace epubtok::epub
