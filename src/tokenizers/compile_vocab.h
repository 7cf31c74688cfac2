// Compiling the built-in vocabularies (core/compiled_file.h): what
// `make vocab` runs, through the hidden `epubtok compile-vocab` command,
// after the sources are fetched and the binary is built.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace epubtok::tokenizers {

struct CompileOutcome {
  std::filesystem::path source;
  // "compiled", "up to date", "source missing", or the error.
  std::string what;
  bool ok = false;  // compiled or up to date
};

// Writes the compiled form of every built-in vocabulary under `data_dir`
// (tiktoken encodings, Hugging Face presets) whose compiled file is
// missing, stale or damaged, or every one when `force`. A missing source is
// reported and skipped (its tokenizer reports VOCAB_MISSING when used).
std::vector<CompileOutcome> compile_builtin_vocabularies(const std::filesystem::path& data_dir, bool force);

}  // namespace epubtok::tokenizers
