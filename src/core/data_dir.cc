#include "core/data_dir.h"

#include <unistd.h>
#include <cstdlib>
#include <system_error>

namespace epubtok {
namespace {

std::filesystem::path executable_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : exe.parent_path();
}

std::filesystem::path find_data_dir() {
  if (const char* env = std::getenv("EPUBTOK_DATA_DIR"); env && *env) return env;
  std::error_code ec;
  if (auto exe_dir = executable_dir(); !exe_dir.empty()) {
    for (const auto& candidate : {exe_dir / "data", exe_dir / ".." / "data", exe_dir / ".." / "share" / "epubtok"}) {
      if (std::filesystem::is_directory(candidate, ec)) return candidate.lexically_normal();
    }
  }
  return EPUBTOK_SOURCE_DATA_DIR;
}

}  // namespace

std::filesystem::path data_dir() {
  // Computed once: the answer cannot change while the process runs, except
  // through the environment, which tests set before the first call.
  static const std::filesystem::path dir = find_data_dir();
  return dir;
}

}  // namespace epubtok
