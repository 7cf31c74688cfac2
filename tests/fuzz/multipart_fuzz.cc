// libFuzzer target for upload parsing (server/upload_area.h and
// server/multipart.h): the input's first line is the request's
// Content-Type, the rest its body, received into an UploadArea and
// finished as POST /api/uploads would. Never a crash; and:
// - a failure is one of the documented codes and leaves no file behind;
// - a success stores each file as <area>/<upload_id>/<name> where <name> is
//   a plain file name (no '/', '\\', NUL, no leading dot, ends in ".epub"),
//   and leaves nothing else in the area;
// - the area's byte count is the stored bytes, reservations released.
//
//   make fuzz && build-fuzz/tests/fuzz/multipart_fuzz -max_total_time=600 build-fuzz/seeds/multipart_fuzz
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "core/error_codes.h"
#include "fuzz_support.h"
#include "server/multipart.h"
#include "server/upload_area.h"

using namespace epubtok;
namespace fs = std::filesystem;

namespace {

fs::path area_dir() {
  fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
  return base / ("epubtok_multipart_fuzz_" + std::to_string(::getpid()));
}

void check_name(const std::string& name) {
  if (name.empty() || name.find_first_of(std::string("/\\\0", 3)) != std::string::npos || name.front() == '.' ||
      name.size() < 5 || name.compare(name.size() - 5, 5, ".epub") != 0 || name.size() > 125)
    fuzz::fail("unsafe stored file name:", name);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fs::path dir = [] {
    fs::path d = area_dir();
    fs::remove_all(d);
    return d;
  }();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t eol = input.find('\n');
  std::string_view content_type = eol == std::string_view::npos ? input : input.substr(0, eol);
  std::string_view body = eol == std::string_view::npos ? std::string_view() : input.substr(eol + 1);

  // The name hint (a raw body's ?name=) is the Content-Type line too: any
  // bytes, "../" and NUL included.
  check_name(server::sanitize_upload_name(content_type));
  (void)server::parse_upload_id(content_type);

  server::UploadLimits limits;
  limits.max_file_bytes = 64 * 1024;
  limits.max_total_bytes = 1 << 20;
  server::UploadArea area(dir, limits);
  if (!area.init()) fuzz::fail("cannot create the upload area");
  bool multipart = server::multipart_boundary(content_type).has_value();
  std::optional<server::UploadArea::Pending> pending = area.begin(body.size(), multipart);
  if (!pending) {
    fs::remove_all(dir);
    return 0;
  }
  {
    std::ofstream out(pending->temp, std::ios::binary);
    out.write(body.data(), static_cast<std::streamsize>(body.size()));
    if (!out) fuzz::fail("cannot write the body");
  }
  Result<std::vector<server::UploadInfo>> stored = area.finish(*pending, content_type, content_type);

  size_t expected_entries = 0;
  uint64_t stored_bytes = 0;
  if (stored) {
    for (const server::UploadInfo& info : *stored) {
      check_name(info.file_name);
      if (!server::parse_upload_id(info.upload_id)) fuzz::fail("bad upload id", info.upload_id);
      std::optional<fs::path> file = server::find_upload(dir, info.upload_id);
      if (!file || file->filename() != info.file_name || fs::file_size(*file) != info.size)
        fuzz::fail("stored upload not where it says", info.file_name);
      if (info.size > limits.max_file_bytes) fuzz::fail("stored upload over the per-file limit");
      stored_bytes += info.size;
    }
    expected_entries = stored->size();
  } else {
    switch (stored.status().code()) {
      case ErrorCode::kInvalidArgument:
      case ErrorCode::kPayloadTooLarge:
      case ErrorCode::kNotZip: break;
      default: fuzz::fail("unexpected upload error", stored.status().message());
    }
  }
  size_t entries = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    ++entries;
    if (!e.is_directory()) fuzz::fail("file left in the upload area:", e.path().filename().string());
  }
  if (entries != expected_entries) fuzz::fail("the upload area holds other entries than the stored uploads");
  if (area.used_bytes() != stored_bytes) fuzz::fail("the area's byte count is not the stored bytes");
  fs::remove_all(dir);
  return 0;
}
