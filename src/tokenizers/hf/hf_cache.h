// The standard Hugging Face Hub cache, shared with Python users:
//   <cache>/models--ORG--NAME/refs/<revision>        (a commit hash)
//   <cache>/models--ORG--NAME/snapshots/<commit>/tokenizer.json
//   <cache>/models--ORG--NAME/blobs/<etag>           (the file itself)
// where <cache> is $HF_HUB_CACHE, else $HF_HOME/hub, else
// $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace epubtok::tokenizers::hf {

// The cache directory from the environment (see above). Never fails; the
// directory may not exist.
std::filesystem::path hub_cache_dir();

// True when $HF_HUB_OFFLINE is set to a true value ("1", "true", "yes", "on").
bool hub_offline();

// "ORG/NAME" is a plausible Hub repository id (letters, digits, "-", "_",
// "." in each of exactly two non-empty parts).
bool is_repo_id(std::string_view s);

// The cached tokenizer.json of `repo` at `revision` (a branch/tag name with
// a refs/ file, or a commit hash with a snapshot), or nullopt when it is not
// in the cache. No network. Thread-safe.
std::optional<std::filesystem::path> find_cached_tokenizer(const std::filesystem::path& cache, std::string_view repo,
                                                           std::string_view revision = "main");

// Every cached model repository with a tokenizer.json at refs/main (or, if
// there is no refs/main, in its only snapshot): (repo id, path), sorted.
std::vector<std::pair<std::string, std::filesystem::path>> list_cached_tokenizers(const std::filesystem::path& cache);

// Stores `content` as `repo`'s tokenizer.json at `commit` in the cache
// layout (blob, snapshot link or copy, refs/<revision>). IO_ERROR on failure.
Result<std::filesystem::path> store_in_cache(const std::filesystem::path& cache, std::string_view repo,
                                             std::string_view revision, std::string_view commit, std::string_view etag,
                                             std::string_view content);

}  // namespace epubtok::tokenizers::hf
