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

namespace CLI {
class App;
}

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

// The flags of the tokenizers that count through Anthropic's API
// (tokenizers/anthropic/api_tokenizer.h), shared by `count` and `serve`.
struct ApiFlags {
  int concurrency = 4;    // --api-concurrency: requests in flight at once
  double timeout_s = 60;  // --api-timeout: per request, in seconds
  bool no_cache = false;  // --no-cache: neither read nor write the count cache
};
void add_api_flags(CLI::App& cmd, ApiFlags& flags);
// Hands the flags to the API tokenizers loaded from now on. Prints an error
// and returns false for a value out of range.
bool apply_api_flags(const ApiFlags& flags);

// Says once, on stderr, that the text given to `tokenizers` that count
// remotely (TokenizerInfo::remote) is sent to Anthropic, and where. Prints
// nothing when none of them is remote.
void say_text_is_sent(const std::vector<std::shared_ptr<const tokenizers::Tokenizer>>& tokenizers);

}  // namespace epubtok::cli
