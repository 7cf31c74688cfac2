#include "server/path_policy.h"

#include <system_error>

#include "server/upload_area.h"

namespace epubtok::server {
namespace fs = std::filesystem;

namespace {

fs::path canonical_or_absolute(const fs::path& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(p, ec);
  if (ec) c = fs::absolute(p, ec).lexically_normal();
  return c;
}

}  // namespace

bool path_within(const fs::path& child, const fs::path& root) {
  auto c = child.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++c) {
    if (r->empty()) continue;  // trailing separator
    if (c == child.end() || *c != *r) return false;
  }
  return true;
}

PathPolicy::PathPolicy(const std::vector<fs::path>& roots, const fs::path& upload_dir) {
  roots_.reserve(roots.size());
  for (const auto& r : roots) roots_.push_back(canonical_or_absolute(r));
  upload_dir_ = canonical_or_absolute(upload_dir);
}

bool PathPolicy::inside_any(const fs::path& canonical) const {
  for (const auto& root : roots_) {
    if (path_within(canonical, root)) return true;
  }
  return !upload_dir_.empty() && path_within(canonical, upload_dir_);
}

Result<std::string> PathPolicy::resolve(std::string_view input) const {
  using R = Result<std::string>;
  if (input.empty()) return R(ErrorCode::kInvalidPath, "the path is empty");
  if (input.find('\0') != std::string_view::npos) return R(ErrorCode::kInvalidPath, "the path contains a NUL byte");
  if (input.front() == '~') return R(ErrorCode::kInvalidPath, "paths starting with '~' are not expanded");

  if (auto id = parse_upload_id(input)) {
    auto file = find_upload(upload_dir_, *id);
    if (!file) return R(ErrorCode::kInvalidPath, "no upload has id " + std::string(*id));
    return file->string();
  }

  fs::path given{std::string(input)};
  for (const auto& part : given) {
    if (part == "..") return R(ErrorCode::kInvalidPath, "'..' is not allowed in paths");
  }
  std::vector<fs::path> candidates;
  if (given.is_absolute()) {
    candidates.push_back(given);
  } else {
    for (const auto& root : roots_) candidates.push_back(root / given);
  }
  std::optional<fs::path> first_inside;
  for (const auto& candidate : candidates) {
    fs::path resolved = canonical_or_absolute(candidate);
    if (!inside_any(resolved)) continue;
    std::error_code ec;
    if (fs::exists(resolved, ec)) return resolved.string();
    if (!first_inside) first_inside = resolved;
  }
  if (first_inside) return first_inside->string();
  return R(ErrorCode::kPathOutsideLibrary, "'" + std::string(input) + "' is outside the library roots");
}

Status PathPolicy::check_inside(const std::string& path) const {
  if (inside_any(canonical_or_absolute(path))) return Status();
  return Status(ErrorCode::kPathOutsideLibrary, "resolves outside the library roots (symbolic link?)");
}

}  // namespace epubtok::server
