// The TokenizerProvider for Hugging Face tokenizers:
//   - presets installed by scripts/fetch-vocab under <data>/hf/<id>/
//     (llama-3, llama-3.1, llama-2, qwen-3, deepseek-v3, gemma-3, and
//     gemini as an approximate alias of gemma-3);
//   - hf:ORG/NAME[@REVISION]: the Hugging Face cache, then the Hub;
//   - hf:/path/to/tokenizer.json, hf:./dir (a directory holding one).
// See docs/tokenizers-hf.md.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "tokenizers/registry.h"

namespace epubtok::tokenizers::hf {

// A new provider. Thread-safe; loading is cached by the Registry.
std::unique_ptr<TokenizerProvider> make_hf_provider();

// The tokenizer.json files of the presets under the data directory, each
// once (gemini shares gemma-3's), for `epubtok compile-vocab`.
std::vector<std::filesystem::path> preset_files(const std::filesystem::path& data_dir);

}  // namespace epubtok::tokenizers::hf
