// `epubtok compile-vocab [--data-dir DIR] [--force] [TOKENIZER_JSON...]`:
// writes the compiled form of the built-in vocabularies
// (tokenizers/compile_vocab.h), or of the given Hugging Face tokenizer.json
// files (next to each, where `-t hf:PATH` then finds it). Hidden from
// --help: scripts/fetch-vocab runs it for `make build`.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "core/data_dir.h"
#include "tokenizers/compile_vocab.h"
#include "tokenizers/hf/hf_tokenizer.h"

namespace epubtok::cli {

void add_compile_vocab_command(CLI::App& app) {
  struct Options {
    std::string data_dir;
    bool force = false;
    bool quiet = false;
    std::vector<std::string> files;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("compile-vocab", "Compile the built-in vocabularies for fast loading");
  cmd->group("");  // hidden
  cmd->add_option("--data-dir", opts->data_dir, "Data directory (default: the one epubtok loads from)");
  cmd->add_flag("--force", opts->force, "Recompile even the files that are up to date");
  cmd->add_flag("-q,--quiet", opts->quiet, "Print only what was compiled and what failed");
  cmd->add_option("files", opts->files, "Hugging Face tokenizer.json files to compile instead of the built-ins");
  cmd->callback([opts] {
    if (!opts->files.empty()) {
      bool failed = false;
      for (const std::string& f : opts->files) {
        const std::string error =
            tokenizers::hf::HfTokenizer::compile_file(f, tokenizers::hf::HfTokenizer::compiled_path(f));
        failed = failed || !error.empty();
        if (error.empty()) {
          std::printf("compile-vocab: %s: compiled\n", f.c_str());
        } else {
          std::fprintf(stderr, "compile-vocab: %s\n", error.c_str());
        }
      }
      if (failed) throw CLI::RuntimeError(kExitFailures);
      return;
    }
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
