// GET /api/text: a chapter's text exactly as `epubtok text FILE --chapter N`
// prints it (and as it is counted), served in pages so a long chapter never
// has to travel, or be shown, at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/status.h"
#include "server/path_policy.h"

namespace epubtok::server {

// A page holds at most this many bytes unless the request asks for fewer.
inline constexpr uint64_t kTextPageDefaultBytes = uint64_t{64} * 1024;
// The most a request may ask for: large enough for any chapter a reader
// would scroll through, small enough that one answer stays quick to send.
inline constexpr uint64_t kTextPageMaxBytes = uint64_t{1024} * 1024;
// The uncompressed-text limit a book is read with: `epubtok text`'s
// --max-mb default, so the server serves every book the CLI would print.
inline constexpr uint64_t kTextPageMaxBookBytes = 512ull << 20;

struct TextPageRequest {
  std::string path;      // as the client gave it: a file_path from results, or an upload id
  uint64_t chapter = 0;  // the chapter's index, from 0 (as in results.json)
  uint64_t offset = 0;   // byte offset into the chapter's UTF-8 text
  uint64_t limit = kTextPageDefaultBytes;
};

// The end of a page of `text` that starts at `offset` and holds at most
// `limit` bytes, moved back to the start of a UTF-8 character so that pages
// concatenate to the text exactly. Always past `offset` when any text is left
// (a single character longer than `limit` is returned whole).
size_t utf8_page_end(std::string_view text, size_t offset, size_t limit);

// Reads the book at `request.path` (resolved by `paths`, which must allow
// it) and returns one page as the TextPage object of docs/openapi.yaml:
// {path, chapter, chapters, title, offset, total_bytes, next_offset, text}.
// Errors: the path policy's INVALID_PATH / PATH_OUTSIDE_LIBRARY,
// FILE_NOT_FOUND when the book does not exist, the reader's code (EPUB_*)
// when it cannot be read, INVALID_ARGUMENT for a chapter out of range or an
// offset past the end or inside a character. Thread-safe; reads the whole
// book on every call.
Result<boost::json::object> chapter_text_page(const PathPolicy& paths, const TextPageRequest& request,
                                              uint64_t max_entry_bytes);

}  // namespace epubtok::server
