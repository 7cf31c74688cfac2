// read_book(): an .epub file on disk → Book.
//
// Thread-safe: independent calls may run concurrently on different files.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "epub/book.h"

namespace epubtok::epub {

struct ReadOptions {
  // Limit on the uncompressed size of any single entry, and on the total
  // extracted text of the book. Default 512 MiB (the CLI's --max-mb).
  uint64_t max_entry_bytes = 512ull << 20;
  // Entries whose uncompressed/compressed ratio exceeds this are rejected as
  // zip bombs (EPUB_ZIP_BOMB). Default 1000.
  double max_ratio = 1000.0;
  // When set, each chapter's text is handed to this function, in spine
  // order on the calling thread, as soon as it is extracted, instead of
  // being kept: the Book's chapters then have empty `text`, and everything
  // else (titles, kinds, warnings, the size limit, the empty-book checks) is
  // as without it. Lets a caller count a chapter while the next ones are
  // read. When read_book() then fails, the texts handed over belong to no
  // book.
  std::function<void(std::string text)> take_chapter_text;
};

// Reads the book at `path`. On failure returns one of the EPUB_* / FILE_*
// codes with a message naming the entry or document at fault (not `path`
// itself: callers show the path beside the message); a DRM-protected book
// returns EPUB_DRM. A book without text whose spine shows images (a comic, a
// picture book) is a Book with empty chapters and a "no text: …" warning;
// EPUB_EMPTY is for a spine that is empty, unreadable or only blank pages.
// Non-fatal problems go to Book::warnings.
Result<Book> read_book(const std::string& path, const ReadOptions& options = {});

// What book_text() puts between two chapters: one blank line.
inline constexpr std::string_view kChapterSeparator = "\n\n";

// The text of the whole book exactly as `epubtok text` prints it (and as it
// is counted): the non-empty chapter texts joined by kChapterSeparator.
std::string book_text(const Book& book);

}  // namespace epubtok::epub
