// Where installed data (vocabularies, tokenizer.json presets) lives.
#pragma once

#include <filesystem>
#include <string>

namespace epubtok {

// The data directory, searched in this order:
//   1. $EPUBTOK_DATA_DIR, when set;
//   2. <directory of the running executable>/data, then …/../data,
//      then …/../share/epubtok (an installed layout);
//   3. the source tree's data/ directory, compiled in at build time.
// Returns the first that exists, else the compiled-in path (so error
// messages name where `scripts/fetch-vocab` installs). Thread-safe.
std::filesystem::path data_dir();

// The command that (re)installs missing or corrupt data, for error messages.
inline constexpr const char* kFetchVocabHint = "run `make vocab` (scripts/fetch-vocab) to install it";

}  // namespace epubtok
