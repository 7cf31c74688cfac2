// `epubtok cache stats|clear`: the on-disk cache of token counts obtained
// from Anthropic's token-counting API (tokenizers/anthropic/count_cache.h).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "cli/command.h"
#include "cli/common.h"
#include "tokenizers/anthropic/count_cache.h"

namespace epubtok::cli {
namespace {

namespace anthropic = tokenizers::anthropic;

void stats() {
  Result<anthropic::CacheStats> s = anthropic::cache_stats(anthropic::default_cache_file());
  if (!s) {
    std::cerr << "epubtok: " << s.status().to_string() << "\n";
    throw CLI::RuntimeError(kExitFailures);
  }
  std::printf("cache: %s%s\n", s->file.c_str(), s->exists ? "" : " (not created yet)");
  std::printf("entries: %s  (%s bytes on disk)\n", grouped(s->entries).c_str(), grouped(s->file_bytes).c_str());
  for (const auto& [model, n] : s->entries_by_model) std::printf("  %-32s %s\n", model.c_str(), grouped(n).c_str());
}

void clear() {
  Result<uint64_t> removed = anthropic::clear_cache(anthropic::default_cache_file());
  if (!removed) {
    std::cerr << "epubtok: " << removed.status().to_string() << "\n";
    throw CLI::RuntimeError(kExitFailures);
  }
  std::printf("removed %s cached counts from %s\n", grouped(*removed).c_str(), anthropic::default_cache_file().c_str());
}

}  // namespace

void add_cache_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "cache", "Manage the cache of counts from Anthropic's token-counting API ($XDG_CACHE_HOME/epubtok)");
  cmd->require_subcommand(1);
  cmd->add_subcommand("stats", "Show where the cache is and how many counts it holds, per model")->callback(stats);
  cmd->add_subcommand("clear", "Delete every cached count (the next claude-api count asks Anthropic again)")
      ->callback(clear);
}

}  // namespace epubtok::cli
