// PathPolicy: which filesystem paths an HTTP client may name.
//
// The browser is hostile territory: any page the user visits can POST to
// localhost. So a path from a request is accepted only if, after
// canonicalisation and symlink resolution, it lies inside one of the
// --library roots or the upload area. Messages name the offending input,
// never anything read from disk.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace epubtok::server {

class PathPolicy {
 public:
  // `roots` that do not exist are kept as given (made absolute) so that a
  // library created later still works; `upload_dir` is the upload area.
  PathPolicy(const std::vector<std::filesystem::path>& roots, const std::filesystem::path& upload_dir);

  // Resolves a user path (absolute, relative to the roots tried in order, or
  // an upload id "upload:<id>" / "<id>") to an absolute canonical path.
  // INVALID_PATH for empty input, NUL, a leading '~', a ".." component or an
  // unknown upload id; PATH_OUTSIDE_LIBRARY when the resolved path (symlinks
  // followed) is outside every root. A path that does not exist but would be
  // inside a root is returned as is (the job reports FILE_NOT_FOUND).
  Result<std::string> resolve(std::string_view user_path) const;

  // OK when the existing file or folder `path`, symlinks resolved, is
  // inside a root or the upload area; PATH_OUTSIDE_LIBRARY otherwise.
  // Used on every book a folder scan finds.
  Status check_inside(const std::string& path) const;

  const std::vector<std::filesystem::path>& roots() const { return roots_; }
  const std::filesystem::path& upload_dir() const { return upload_dir_; }

 private:
  bool inside_any(const std::filesystem::path& canonical) const;

  std::vector<std::filesystem::path> roots_;  // canonical when they exist
  std::filesystem::path upload_dir_;
};

// True when `child` equals `root` or lies below it, comparing whole path
// components of two already-normalised absolute paths.
bool path_within(const std::filesystem::path& child, const std::filesystem::path& root);

}  // namespace epubtok::server
