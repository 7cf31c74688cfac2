// epubtok: count words and exact LLM tokens in EPUB libraries.
#include <CLI/CLI.hpp>

#include "cli/command.h"

// Not a bugprone-exception-escape: the commands report failures as Status
// and exit codes; an exception that reaches here is a bug, and terminate()
// (abort, core dump) is the loudest report of it.
// NOLINTNEXTLINE(bugprone-exception-escape)
int main(int argc, char** argv) {
  CLI::App app{"epubtok " EPUBTOK_VERSION " — count words and exact LLM tokens in EPUB books and libraries"};
  app.set_version_flag("--version", EPUBTOK_VERSION);
  app.require_subcommand(1);
  epubtok::cli::add_count_command(app);
  epubtok::cli::add_text_command(app);
  epubtok::cli::add_tokens_command(app);
  epubtok::cli::add_models_command(app);
  epubtok::cli::add_merge_command(app);
  epubtok::cli::add_cache_command(app);
  epubtok::cli::add_compile_vocab_command(app);
  epubtok::cli::add_serve_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    // A command finished with a non-zero exit code (see command.h).
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    // CLI11 exits 0 for --help/--version; every real parse error is a usage error.
    return code == 0 ? 0 : epubtok::cli::kExitUsage;
  }
  return epubtok::cli::kExitOk;
}
