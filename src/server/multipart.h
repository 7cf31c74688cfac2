// Streaming extraction of the file parts of a multipart/form-data body.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace epubtok::server {

// The boundary parameter of a multipart/form-data Content-Type, unquoted;
// nullopt when `content_type` is not multipart/form-data or has none.
std::optional<std::string> multipart_boundary(std::string_view content_type);

// One file part of a multipart body, copied out to its own file.
struct MultipartFile {
  std::filesystem::path path;  // where its content was written
  std::string file_name;       // the part's filename parameter, as sent
  uint64_t size = 0;           // bytes of content
};

// Copies the content of every part that carries a filename, in body order,
// from the multipart body stored in `body_file` to a fresh file named by
// `next_path()` each, reading in 64 KiB chunks (never the whole body at
// once). Parts without a filename (plain form fields) are skipped.
// INVALID_ARGUMENT when the body is malformed or has no file part; IO_ERROR
// when a file cannot be read or written. On failure the files already
// written may exist (also a partial one); the caller removes every path it
// handed out.
Result<std::vector<MultipartFile>> extract_multipart_files(const std::filesystem::path& body_file,
                                                           const std::string& boundary,
                                                           const std::function<std::filesystem::path()>& next_path);

}  // namespace epubtok::server
