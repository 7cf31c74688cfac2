// The hybrid word counter against ICU alone on real books, when the shared
// sample corpus is present (it is not part of the repository; see
// support/corpus_dir.h: machines without it skip this one test visibly,
// everything else runs on generated text).
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "epub/epub_reader.h"
#include "support/corpus_dir.h"
#include "text/text_stats.h"
#include "text/word_count.h"

namespace epubtok::text {
namespace {

TEST(CorpusWordCountTest, HybridEqualsIcuOnEveryBookAndChapter) {
  EPUBTOK_REQUIRE_CORPUS(corpus);
  int books = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus.path)) {
    if (entry.path().extension() != ".epub") continue;
    Result<epub::Book> book = epub::read_book(entry.path().string());
    ASSERT_TRUE(book.is_ok()) << entry.path() << ": " << book.status().to_string();
    ++books;
    const std::string text = epub::book_text(*book);
    EXPECT_EQ(count_words(text), count_words_icu(text)) << entry.path();
    for (const epub::Chapter& chapter : book->chapters)
      EXPECT_EQ(count_words(chapter.text), count_words_icu(chapter.text)) << entry.path() << " " << chapter.href;
    const TextStats stats = count_text(text);
    EXPECT_LE(stats.words, stats.chars) << entry.path();
    std::printf("%-45s %9zu bytes %8llu words %9llu chars\n", entry.path().filename().c_str(), text.size(),
                static_cast<unsigned long long>(stats.words), static_cast<unsigned long long>(stats.chars));
  }
  EXPECT_GT(books, 0);
}

}  // namespace
}  // namespace epubtok::text
