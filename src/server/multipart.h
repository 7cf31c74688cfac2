// Streaming extraction of the file part of a multipart/form-data body.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace epubtok::server {

// The boundary parameter of a multipart/form-data Content-Type, unquoted;
// nullopt when `content_type` is not multipart/form-data or has none.
std::optional<std::string> multipart_boundary(std::string_view content_type);

// Copies the content of the first part that carries a filename from the
// multipart body stored in `body_file` to `out_file`, reading in 64 KiB
// chunks (never the whole body at once). Sets *file_name to the part's
// filename parameter. INVALID_ARGUMENT when the body is malformed or has no
// file part; IO_ERROR when a file cannot be read or written. On failure
// `out_file` may exist partially; the caller removes it.
Status extract_multipart_file(const std::filesystem::path& body_file, const std::string& boundary,
                              const std::filesystem::path& out_file, std::string* file_name);

}  // namespace epubtok::server
