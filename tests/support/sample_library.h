// Made-up EPUB libraries for `make run`, tests and benchmarks. All text comes
// from generate_prose()/generate_book() (prose.h), so nothing is copied from
// real books; everything is deterministic for a given seed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace epubtok::testing {

// Writes the small sample library (7 books) into `dir` (created if needed)
// and returns the paths written, in a fixed order:
//   the-lantern-keeper.epub   EPUB 2, English, NCX + guide, cover/title page/
//                             colophon, a windows-1252 tag-soup chapter with
//                             named entities
//   le-jardin-des-heures.epub EPUB 3, French, nav + landmarks, front/back
//                             matter, series (belongs-to-collection, #2)
//   die-stille-stadt.epub     EPUB 3, German, a linear="no" notes page,
//                             calibre:series metadata
//   yama-no-tegami.epub       EPUB 3, Japanese with ruby furigana
//   hehe-de-gushi.epub        EPUB 3, Chinese (zh-Hans)
//   dalnyaya-doroga.epub      EPUB 2, Russian, NCX
//   al-bahr-al-qadim.epub     EPUB 3, Arabic, right-to-left
// Throws std::runtime_error when a file cannot be written.
std::vector<std::string> make_sample_library(const std::string& dir);

// Writes a benchmark library of `n_books` books totalling about `target_mb`
// MB (10^6 bytes) of EPUB files into `dir`, and returns their paths. Book
// sizes vary from 0.5× to 1.5× the mean. The mix imitates real books:
// - about 65% of each file is deflated XHTML chapters of generated prose
//   (~150 KB of text per chapter; languages: 60% English, 20% French/German/
//   Spanish, 8% Russian, 12% Chinese/Japanese), sized by measuring the
//   first chapter's compression ratio;
// - about 35% is stored binary data: a random-bytes "cover.jpg" (200–600 KB)
//   plus a few smaller "images/figN.jpg", as JPEGs are incompressible.
// Every 4th book is EPUB 2 (NCX), the rest EPUB 3 (nav). Throws
// std::runtime_error when a file cannot be written.
std::vector<std::string> make_library(const std::string& dir, int n_books, double target_mb, uint64_t seed);

// Writes one long book to `path`: EPUB 3, `chapters` chapters (>= 1) of
// generate_book() text in `language` (prose.h's codes), about `text_bytes`
// bytes of text in all, one <p> per paragraph, deflated. For measuring and
// testing how one large book is counted (count -j N). Throws
// std::runtime_error when the file cannot be written and
// std::invalid_argument for an unknown language.
void make_big_book(const std::string& path, std::string_view language, size_t text_bytes, int chapters, uint64_t seed);

// Writes the whole-library benchmark's library into `dir` and returns the
// paths: 48 books totalling about `target_mb` MB (10^6 bytes) of EPUB in the
// scripts of generate_script_book() (20 English, 3 each French, German,
// Russian and Chinese, 2 each Greek, Arabic, Hebrew, Hindi, Bengali, Thai
// and Japanese, 1 Korean), with sizes spread as in a real library (most of
// 0.5-2 MB, a few large illustrated ones), plus book-048-sa.epub: one
// Sanskrit book of about `sanskrit_text_mb` MB of Devanagari text (in 40
// chapters), the book that sets a library's wall time when a book is
// counted on one thread. Chapters are one <p> per generated paragraph; a
// quarter of the books carry stored JPEG-like images. Same seed -> same
// files. Throws std::runtime_error when a file cannot be written.
std::vector<std::string> make_script_library(const std::string& dir, double target_mb, double sanskrit_text_mb,
                                             uint64_t seed);

}  // namespace epubtok::testing
