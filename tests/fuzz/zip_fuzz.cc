// libFuzzer target for the ZIP reader (epub/zip_archive.h): any bytes must
// open as an archive or give one of the documented error codes, and every
// entry must then read or fail with a code, within the limits — never a
// crash, a hang, a sanitizer report or an allocation beyond the limits.
//
//   make fuzz && build-fuzz/tests/fuzz/zip_fuzz -max_total_time=600 build-fuzz/seeds/zip_fuzz
#include <cstdint>
#include <string_view>

#include "core/error_codes.h"
#include "epub/zip_archive.h"
#include "fuzz_support.h"

using namespace epubtok;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::MemFile file;
  const std::string& path = file.write(std::string_view(reinterpret_cast<const char*>(data), size));
  // Small limits so that the bomb checks are reached by small inputs.
  epub::ZipLimits limits;
  limits.max_entry_bytes = 4u << 20;
  limits.max_ratio = 100.0;
  Result<epub::ZipArchive> zip = epub::ZipArchive::open(path, limits);
  if (!zip) {
    switch (zip.status().code()) {
      case ErrorCode::kNotZip:
      case ErrorCode::kZipTruncated:
      case ErrorCode::kZipCorrupt:
      case ErrorCode::kFileUnreadable: return 0;
      default: fuzz::fail("unexpected open error", zip.status().message());
    }
  }
  std::string buffer;
  for (size_t i = 0; i < zip->names().size(); ++i) {
    const std::string& name = zip->names()[i];
    std::optional<size_t> found = zip->find(name);
    if (!found) fuzz::fail("find() misses a listed name", name);
    if (zip->names()[*found] != name) fuzz::fail("find() returns another entry for", name);
    (void)zip->is_stored(i);
    Status declared = zip->check_declared(i);
    Status read = zip->read_into(i, buffer);
    if (read) {
      if (!declared) fuzz::fail("an entry over its declared limits reads", name);
      if (buffer.size() > limits.max_entry_bytes) fuzz::fail("an entry over max_entry_bytes reads", name);
    } else {
      switch (read.code()) {
        case ErrorCode::kZipBomb:
        case ErrorCode::kTooLarge:
        case ErrorCode::kZipCorrupt:
        case ErrorCode::kZipTruncated:
        case ErrorCode::kDrm: break;
        default: fuzz::fail("unexpected read error", read.message());
      }
    }
  }
  return 0;
}
