#include "server/text_page.h"

#include <filesystem>
#include <system_error>

#include "epub/epub_reader.h"

namespace epubtok::server {
namespace json = boost::json;

namespace {

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

size_t utf8_page_end(std::string_view text, size_t offset, size_t limit) {
  if (offset >= text.size()) return text.size();
  size_t end = offset + std::min(limit, text.size() - offset);
  if (end == text.size()) return end;
  size_t back = end;
  while (back > offset && is_continuation(text[back])) --back;
  if (back > offset) return back;
  // One character longer than the limit: send it whole.
  end = offset + 1;
  while (end < text.size() && is_continuation(text[end])) ++end;
  return end;
}

Result<json::object> chapter_text_page(const PathPolicy& paths, const TextPageRequest& request,
                                       uint64_t max_entry_bytes) {
  auto resolved = paths.resolve(request.path);
  if (!resolved) return resolved.status();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(*resolved, ec)) {
    return Result<json::object>(ErrorCode::kFileNotFound, "no such EPUB file: " + request.path);
  }
  epub::ReadOptions options;
  options.max_entry_bytes = max_entry_bytes;
  auto book = epub::read_book(*resolved, options);
  if (!book) return book.status();
  const size_t count = book->chapters.size();
  if (request.chapter >= count) {
    return Result<json::object>(ErrorCode::kInvalidArgument, "chapter " + std::to_string(request.chapter) +
                                                                 " is out of range; the book has " +
                                                                 std::to_string(count) + " chapters");
  }
  const epub::Chapter& chapter = book->chapters[request.chapter];
  std::string_view text = chapter.text;
  if (request.offset > text.size()) {
    return Result<json::object>(ErrorCode::kInvalidArgument, "offset " + std::to_string(request.offset) +
                                                                 " is past the end of the chapter (" +
                                                                 std::to_string(text.size()) + " bytes)");
  }
  if (request.offset < text.size() && is_continuation(text[request.offset])) {
    return Result<json::object>(ErrorCode::kInvalidArgument,
                                "offset " + std::to_string(request.offset) + " is inside a UTF-8 character");
  }
  const size_t end = utf8_page_end(text, request.offset, request.limit);
  json::object page;
  page["path"] = *resolved;
  page["chapter"] = request.chapter;
  page["chapters"] = count;
  page["title"] = chapter.title;
  page["offset"] = request.offset;
  page["total_bytes"] = text.size();
  page["next_offset"] = end < text.size() ? json::value(end) : json::value(nullptr);
  page["text"] = std::string(text.substr(request.offset, end - request.offset));
  return page;
}

}  // namespace epubtok::server
