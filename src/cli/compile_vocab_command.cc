// `epubtok compile-vocab [--data-dir DIR] [--force]`: writes the compiled
// form of the built-in vocabularies (tokenizers/compile_vocab.h). Hidden
// from --help: scripts/fetch-vocab runs it for `make vocab` / `make build`.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "core/data_dir.h"
#include "tokenizers/compile_vocab.h"

namespace epubtok::cli {

void add_compile_vocab_command(CLI::App& app) {
  struct Options {
    std::string data_dir;
    bool force = false;
    bool quiet = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("compile-vocab", "Compile the built-in vocabularies for fast loading");
  cmd->group("");  // hidden
  cmd->add_option("--data-dir", opts->data_dir, "Data directory (default: the one epubtok loads from)");
  cmd->add_flag("--force", opts->force, "Recompile even the files that are up to date");
  cmd->add_flag("-q,--quiet", opts->quiet, "Print only what was compiled and what failed");
  cmd->callback([opts] {
    const std::filesystem::path dir = opts->data_dir.empty() ? data_dir() : std::filesystem::path(opts->data_dir);
    bool failed = false;
    for (const auto& r : tokenizers::compile_builtin_vocabularies(dir, opts->force)) {
      if (!r.ok && r.what != "source missing") failed = true;
      if (opts->quiet && (r.what == "up to date" || r.what == "source missing")) continue;
      std::fprintf(r.ok ? stdout : stderr, "compile-vocab: %s: %s\n", r.source.c_str(), r.what.c_str());
    }
    if (failed) throw CLI::RuntimeError(kExitFailures);
  });
}

}  // namespace epubtok::cli
