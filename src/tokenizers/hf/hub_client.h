// Downloads a repository's tokenizer.json from the Hugging Face Hub (or any
// server with the same URL layout) into the standard cache, with libcurl.
#pragma once

#include <filesystem>
#include <string>

#include "core/status.h"

namespace epubtok::tokenizers::hf {

struct HubOptions {
  // Base URL; default $HF_ENDPOINT, else https://huggingface.co.
  std::string endpoint;
  // Bearer token for gated/private repositories; default $HF_TOKEN (may be empty).
  std::string token;
  // Give up after this long. Default 60 s.
  long timeout_seconds = 60;
};

// The options above with their defaults filled in from the environment.
HubOptions hub_options_from_env();

// GETs <endpoint>/<repo>/resolve/<revision>/tokenizer.json, stores it in
// `cache` (see hf_cache.h) and returns the cached path. Errors (all
// HF_HUB_ERROR, naming the repository): not found (404), gated or private
// (401/403, saying whether HF_TOKEN was set), other HTTP statuses, network
// failures. Thread-safe.
Result<std::filesystem::path> download_tokenizer(const std::filesystem::path& cache, const std::string& repo,
                                                 const std::string& revision, const HubOptions& options);

}  // namespace epubtok::tokenizers::hf
