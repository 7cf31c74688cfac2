#include "server/text_page.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <string>

#include <boost/json.hpp>

#include "epub/epub_reader.h"
#include "support/epub_builder.h"

namespace epubtok::server {
namespace {
namespace fs = std::filesystem;
namespace json = boost::json;

TEST(Utf8PageEnd, CutsOnlyBetweenCharacters) {
  const std::string text =
      "ab\xC3\xA9"
      "cd\xE6\x97\xA5";  // a b é c d 日
  EXPECT_EQ(utf8_page_end(text, 0, 2), 2u);
  EXPECT_EQ(utf8_page_end(text, 0, 3), 2u);  // inside é: back to its start
  EXPECT_EQ(utf8_page_end(text, 0, 4), 4u);
  EXPECT_EQ(utf8_page_end(text, 6, 2), 9u);  // 日 alone is longer than the limit: whole
  EXPECT_EQ(utf8_page_end(text, 0, 100), text.size());
  EXPECT_EQ(utf8_page_end(text, text.size(), 5), text.size());
}

class TextPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("epubtok_text_page_" + std::to_string(::getpid()));
    fs::remove_all(base_);
    fs::create_directories(base_ / "lib");
    epubtok::testing::EpubSpec spec;
    spec.metadata.title = "Paged";
    spec.chapters.push_back(epubtok::testing::make_chapter("one.xhtml", "One", {"Short."}));
    std::vector<std::string> long_paragraphs;
    long_paragraphs.reserve(400);
    for (int i = 0; i < 400; ++i)
      long_paragraphs.push_back("Ünïcödé line " + std::to_string(i) + " — 日本語のテキスト。");
    spec.chapters.push_back(epubtok::testing::make_chapter("two.xhtml", "Two", long_paragraphs));
    book_ = (base_ / "lib" / "paged.epub").string();
    ASSERT_TRUE(epubtok::testing::write_file(book_, epubtok::testing::build_epub(spec)));
    policy_ = std::make_unique<PathPolicy>(std::vector<fs::path>{base_ / "lib"}, base_ / "uploads");
  }
  void TearDown() override { fs::remove_all(base_); }

  fs::path base_;
  std::string book_;
  std::unique_ptr<PathPolicy> policy_;
};

TEST_F(TextPageTest, PagesConcatenateToWhatTextChapterPrints) {
  auto book = epub::read_book(book_);
  ASSERT_TRUE(book);
  const std::string& expected = book->chapters[1].text;  // what `epubtok text --chapter 1` prints
  ASSERT_GT(expected.size(), 10'000u);
  std::string joined;
  uint64_t offset = 0;
  int pages = 0;
  for (;;) {
    auto page = chapter_text_page(*policy_, {"paged.epub", 1, offset, 4096}, 512u << 20);
    ASSERT_TRUE(page) << page.status().message();
    EXPECT_EQ(page->at("chapters").to_number<int>(), 2);
    EXPECT_EQ(page->at("title").as_string(), "Two");
    EXPECT_EQ(page->at("total_bytes").to_number<uint64_t>(), expected.size());
    EXPECT_LE(page->at("text").as_string().size(), 4096u);
    joined += page->at("text").as_string();
    ++pages;
    if (page->at("next_offset").is_null()) break;
    offset = page->at("next_offset").to_number<uint64_t>();
  }
  EXPECT_EQ(joined, expected);
  EXPECT_GT(pages, 2);
}

TEST_F(TextPageTest, RefusesWhatItCannotServe) {
  auto code = [&](const TextPageRequest& r) {
    auto page = chapter_text_page(*policy_, r, 512u << 20);
    return page ? std::string("OK") : std::string(error_code_name(page.status().code()));
  };
  EXPECT_EQ(code({"paged.epub", 0, 0, 100}), "OK");
  EXPECT_EQ(code({"missing.epub", 0, 0, 100}), "FILE_NOT_FOUND");
  EXPECT_EQ(code({"../x.epub", 0, 0, 100}), "INVALID_PATH");
  EXPECT_EQ(code({"/etc/passwd", 0, 0, 100}), "PATH_OUTSIDE_LIBRARY");
  EXPECT_EQ(code({"paged.epub", 2, 0, 100}), "INVALID_ARGUMENT");          // chapter out of range
  EXPECT_EQ(code({"paged.epub", 0, 1'000'000, 100}), "INVALID_ARGUMENT");  // past the end
  epubtok::testing::write_file((base_ / "lib" / "broken.epub").string(), "not a zip");
  EXPECT_EQ(code({"broken.epub", 0, 0, 100}), "EPUB_NOT_ZIP");
}

}  // namespace
}  // namespace epubtok::server
