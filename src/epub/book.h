// The in-memory model of one EPUB after reading: metadata plus the text of
// each spine item in reading order. Produced by read_book() (epub_reader.h);
// knows nothing of tokenizers or counting.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace epubtok::epub {

// Where a chapter sits in the book, from EPUB 3 landmarks / epub:type or the
// EPUB 2 guide. kBody when nothing says otherwise.
enum class ChapterKind { kFront, kBody, kBack };
std::string_view chapter_kind_name(ChapterKind kind);  // "front" | "body" | "back"
// Inverse of chapter_kind_name(); nullopt for any other string. The only
// place a chapter kind is read from text (CLI flags, API bodies, documents).
std::optional<ChapterKind> parse_chapter_kind(std::string_view name);

struct Author {
  std::string name;
  std::string file_as;  // opf:file-as or refines file-as; empty if absent
  std::string role;     // MARC relator such as "aut"; empty if absent
};

struct Identifier {
  std::string value;
  std::string scheme;  // "ISBN", "UUID", "DOI", … ; "ISBN" also when recognised from the value
};

struct Metadata {
  std::string title;
  std::vector<Author> authors;
  std::vector<std::string> languages;  // BCP 47 tags as written
  std::string publisher;
  std::string date;
  std::vector<Identifier> identifiers;
  std::string isbn;  // the first ISBN found (normalised digits), or empty
  std::vector<std::string> subjects;
  std::string description;  // plain text
  std::string series;
  std::string series_index;  // as written, e.g. "2" or "2.5"; empty if absent
  std::string epub_version;  // the OPF package version, e.g. "2.0" or "3.0"
};

struct Chapter {
  int index = 0;      // 0-based position in the spine
  std::string title;  // from the nav/NCX TOC; empty if the TOC does not point here
  std::string href;   // archive path of the spine item
  ChapterKind kind = ChapterKind::kBody;
  bool linear = true;  // false for spine itemref linear="no"
  std::string text;    // extracted UTF-8 text, block elements on their own lines
};

struct Book {
  Metadata metadata;
  std::vector<Chapter> chapters;
  std::vector<std::string> warnings;  // non-fatal problems (wrong mimetype, missing TOC target, …)
};

}  // namespace epubtok::epub
