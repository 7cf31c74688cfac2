// Each CLI subcommand lives in its own file and registers itself on the app:
//   void add_<name>_command(CLI::App& app);
// The callback it installs parses nothing beyond its flags, calls the core,
// and turns a Status into a message on stderr plus an exit code: it returns
// normally for kExitOk and throws CLI::RuntimeError(code) otherwise, which
// main() turns into the process exit code.
#pragma once

namespace CLI {
class App;
}

namespace epubtok::cli {

// Exit codes shared by every command.
inline constexpr int kExitOk = 0;        // everything counted
inline constexpr int kExitFailures = 1;  // some books failed; the rest was written
inline constexpr int kExitUsage = 2;     // usage error (bad flag, unknown tokenizer, …)

void add_count_command(CLI::App& app);
void add_text_command(CLI::App& app);
void add_tokens_command(CLI::App& app);
void add_models_command(CLI::App& app);
void add_merge_command(CLI::App& app);
void add_cache_command(CLI::App& app);
void add_compile_vocab_command(CLI::App& app);  // hidden; run by scripts/fetch-vocab
void add_serve_command(CLI::App& app);          // src/server/ (job server issue)

}  // namespace epubtok::cli
