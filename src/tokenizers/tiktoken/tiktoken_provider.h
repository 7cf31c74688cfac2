// The built-in tiktoken-format tokenizers: OpenAI's cl100k_base,
// o200k_base, p50k_base, r50k_base and the legacy Claude tokenizer, with the
// model-name aliases users type ("gpt-4o" → o200k_base).
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "tokenizers/registry.h"

namespace epubtok::tokenizers::tiktoken {

// A provider that resolves the ids and aliases above (case-insensitively)
// and loads each from <data_dir>/vocab/<id>.json. Loading errors:
// VOCAB_MISSING / VOCAB_CORRUPT naming the file and kFetchVocabHint.
// Thread-safe; list() does no I/O.
std::unique_ptr<TokenizerProvider> make_tiktoken_provider();

// The vocabulary files of the built-in encodings, under the data directory
// (for `epubtok compile-vocab`).
std::vector<std::filesystem::path> builtin_vocab_files(const std::filesystem::path& data_dir);

}  // namespace epubtok::tokenizers::tiktoken
