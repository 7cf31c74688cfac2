// Helpers shared by the CLI commands: list parsing, tokenizer loading and
// terminal facts. Every function reports problems on stderr itself and
// returns nullopt, so callers just exit with kExitUsage.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "epub/book.h"
#include "tokenizers/tokenizer.h"

namespace epubtok::cli {

// "a,b" plus repeated flags → ["a", "b", …], trimmed, empty items dropped,
// duplicates removed (first occurrence kept).
std::vector<std::string> split_list(const std::vector<std::string>& values);

// Loads each named tokenizer (ids or aliases) through the global registry.
// Duplicates after alias resolution are dropped. On failure prints the error
// (UNKNOWN_TOKENIZER lists the valid ids) and returns nullopt.
std::optional<std::vector<std::shared_ptr<const tokenizers::Tokenizer>>> load_tokenizers(
    const std::vector<std::string>& names);

// "front,back" → kinds in the order given; prints an error and returns
// nullopt for an unknown kind.
std::optional<std::vector<epub::ChapterKind>> parse_exclude(const std::vector<std::string>& names);

// True when stderr is a terminal and NO_COLOR is unset: the only case in
// which anything is animated or coloured.
bool stderr_is_interactive();

// 1234567 → "1,234,567".
std::string grouped(uint64_t n);

}  // namespace epubtok::cli
