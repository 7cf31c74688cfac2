// UploadArea: where POST /api/uploads puts EPUBs, with per-file and total
// size limits. Each upload lives in <dir>/<upload_id>/<sanitised name>.epub
// so the book keeps its file name in results.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace epubtok::server {

struct UploadLimits {
  uint64_t max_file_bytes = 200ull << 20;    // per upload; default 200 MiB
  uint64_t max_total_bytes = 2048ull << 20;  // whole area; default 2 GiB
};

struct UploadInfo {
  std::string upload_id;  // "up_" + 16 hex digits
  std::string file_name;
  uint64_t size = 0;
};

// "upload:<id>" or a bare "<id>" → the id; nullopt for anything else.
std::optional<std::string_view> parse_upload_id(std::string_view text);
// The stored file of upload `id` under `dir`, if it exists.
std::optional<std::filesystem::path> find_upload(const std::filesystem::path& dir, std::string_view id);
// A safe file name: the last component, unusual characters replaced by '_',
// at most 120 bytes, ending in ".epub". "upload.epub" when nothing is left.
std::string sanitize_upload_name(std::string_view name);

// Thread-safe.
class UploadArea {
 public:
  UploadArea(std::filesystem::path dir, UploadLimits limits);

  // Creates the folder, removes unfinished temporary files and counts the
  // bytes already stored. IO_ERROR when the folder cannot be created.
  Status init();

  struct Pending {
    std::filesystem::path temp;  // where the body is streamed
    uint64_t reserved = 0;       // bytes reserved against the total
    uint64_t body_limit = 0;     // the most the body may have
  };
  // Reserves room for one upload body. `content_length` when the client
  // sent one. A raw body may hold one file (per-file limit); a `multipart`
  // one several files, so it may use the room left plus the form framing. Returns nullopt
  // (too large: HTTP 413) when the file or total limit would be exceeded.
  std::optional<Pending> begin(std::optional<uint64_t> content_length, bool multipart);
  // Turns a fully received body into stored uploads: a raw body is one file
  // (named `name_hint`), a multipart/form-data body gives one upload per
  // file part, in order. Each file must be a ZIP within the per-file limit;
  // if any is not, none is stored. INVALID_ARGUMENT (malformed multipart),
  // PAYLOAD_TOO_LARGE, EPUB_NOT_ZIP, IO_ERROR. Releases the reservation
  // either way.
  Result<std::vector<UploadInfo>> finish(Pending& pending, std::string_view content_type, std::string_view name_hint);
  // Drops a pending upload (body not received).
  void abandon(Pending& pending);

  uint64_t used_bytes() const;
  const UploadLimits& limits() const { return limits_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  UploadLimits limits_;
  mutable std::mutex mutex_;
  uint64_t used_ = 0;  // stored + reserved
};

}  // namespace epubtok::server
