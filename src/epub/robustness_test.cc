// Hostile input never crashes the reader and always yields a documented
// code; concurrent reads are independent.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "epub/charset.h"
#include "epub/epub_reader.h"
#include "epub/html_text.h"
#include "support/epub_builder.h"
#include "support/splitmix.h"

namespace epubtok::epub {
namespace {

using Rng = test_support::SplitMix64;

testing::EpubSpec sample_spec(testing::ZipMethod method) {
  testing::EpubSpec s;
  s.method = method;
  s.metadata.title = "Robust";
  s.chapters.push_back(testing::make_chapter("a.xhtml", "A", {"First paragraph &amp; more.", "Second."}));
  s.chapters.push_back(testing::make_chapter("b.xhtml", "B", {"Third paragraph."}));
  s.chapters[1].landmark = "bodymatter";
  return s;
}

struct RemoveAtExit {
  ~RemoveAtExit() {
    std::error_code ec;
    std::filesystem::remove_all(
        std::filesystem::path(::testing::TempDir()) / ("robustness_test." + std::to_string(::getpid())), ec);
  }
} remove_at_exit;

bool is_reader_code(ErrorCode c) {
  switch (c) {
    case ErrorCode::kFileNotFound:
    case ErrorCode::kFileUnreadable:
    case ErrorCode::kNotZip:
    case ErrorCode::kZipTruncated:
    case ErrorCode::kZipCorrupt:
    case ErrorCode::kZipBomb:
    case ErrorCode::kMissingContainer:
    case ErrorCode::kMissingOpf:
    case ErrorCode::kMissingSpineItem:
    case ErrorCode::kMalformedXml:
    case ErrorCode::kUnknownEncoding:
    case ErrorCode::kDrm:
    case ErrorCode::kEmptyBook:
    case ErrorCode::kTooLarge: return true;
    default: return false;
  }
}

TEST(Robustness, MutatedArchivesGiveOnlyReaderCodes) {
  std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / ("robustness_test." + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "mutant.epub").string();
  Rng rng{42};
  int ok = 0, failed = 0;
  for (testing::ZipMethod method : {testing::ZipMethod::kStored, testing::ZipMethod::kDeflate}) {
    const std::string original = testing::build_epub(sample_spec(method));
    for (int iter = 0; iter < 300; ++iter) {
      std::string bytes = original;
      int kind = static_cast<int>(rng.next() % 3);
      if (kind == 0) {  // flip a few bytes
        for (int k = 0, n = 1 + static_cast<int>(rng.next() % 8); k < n; ++k)
          bytes[rng.next() % bytes.size()] ^= static_cast<char>(1 + rng.next() % 255);
      } else if (kind == 1) {  // cut
        bytes.resize(rng.next() % bytes.size());
      } else {  // overwrite a run with markup-ish junk
        static const char kJunk[] = "<>&;#x/\"'=![]-?\0\xFF\xC3";
        size_t at = rng.next() % bytes.size();
        for (size_t k = 0; k < 16 && at + k < bytes.size(); ++k) bytes[at + k] = kJunk[rng.next() % (sizeof kJunk - 1)];
      }
      ASSERT_TRUE(testing::write_file(path, bytes));
      Result<Book> r = read_book(path);
      if (r.is_ok()) {
        ++ok;
        EXPECT_TRUE(is_valid_utf8(book_text(*r))) << "iteration " << iter;
      } else {
        ++failed;
        EXPECT_TRUE(is_reader_code(r.status().code())) << r.status().to_string();
        EXPECT_FALSE(r.status().message().empty());
      }
    }
  }
  // Both outcomes occur, so the mutations are neither all harmless nor all fatal.
  EXPECT_GT(ok, 0);
  EXPECT_GT(failed, 0);
}

TEST(Robustness, RandomMarkupExtractsValidUtf8) {
  Rng rng{7};
  static const std::string_view kPieces[] = {"<p>",
                                             "</p>",
                                             "<br/>",
                                             "<ruby>",
                                             "<rt>",
                                             "</rt>",
                                             "</ruby>",
                                             "<svg>",
                                             "</svg>",
                                             "<text>",
                                             "</text>",
                                             "<script>",
                                             "</script>",
                                             "<pre>",
                                             "</pre>",
                                             "<!--",
                                             "-->",
                                             "<![CDATA[",
                                             "]]>",
                                             "&amp;",
                                             "&#x1F600;",
                                             "&copy",
                                             "&",
                                             "<",
                                             ">",
                                             "\"",
                                             " ",
                                             "\n",
                                             "é",
                                             "漢字",
                                             "word",
                                             "<head>",
                                             "<body epub:type='x'>",
                                             "<a href='x'>",
                                             "</a>",
                                             "<title/>",
                                             "<style>",
                                             "&#xD800;",
                                             "&#0;",
                                             "<?pi?>",
                                             "<!DOCTYPE html>"};
  for (int iter = 0; iter < 2000; ++iter) {
    std::string doc;
    for (int k = 0, n = static_cast<int>(rng.next() % 40); k < n; ++k) doc += kPieces[rng.next() % std::size(kPieces)];
    HtmlText t = extract_html_text(doc);
    ASSERT_TRUE(is_valid_utf8(t.text)) << doc;
    if (doc.find("<pre>") == std::string::npos) {  // pre keeps its newlines; elsewhere no blank lines
      EXPECT_EQ(t.text.find("\n\n"), std::string::npos) << doc;
    }
  }
}

TEST(Robustness, ConcurrentReadsAgree) {
  std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / ("robustness_test." + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "shared.epub").string();
  testing::EpubSpec spec = sample_spec(testing::ZipMethod::kDeflate);
  spec.chapters[0].raw_document =
      "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><html><body><p>\x93\xFA\x96\x7B</p></body></html>";
  ASSERT_TRUE(testing::write_file(path, testing::build_epub(spec)));
  Result<Book> ref = read_book(path);
  ASSERT_TRUE(ref.is_ok()) << ref.status().to_string();
  const std::string expected = book_text(*ref);
  std::vector<std::thread> threads;
  threads.reserve(4);
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        Result<Book> r = read_book(path);
        if (!r.is_ok() || book_text(*r) != expected) ++mismatches;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace epubtok::epub
