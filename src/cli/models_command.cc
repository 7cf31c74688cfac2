// `epubtok models`: list the tokenizers epubtok knows.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include <boost/json.hpp>

#include "cli/command.h"
#include "cli/common.h"
#include "tokenizers/info_json.h"
#include "tokenizers/registry.h"

namespace epubtok::cli {
namespace {

struct ModelsArgs {
  bool json = false;
  std::string search;
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool matches(const tokenizers::TokenizerInfo& info, const std::string& query) {
  if (query.empty()) return true;
  std::string q = lower(query);
  auto has = [&](const std::string& field) { return lower(field).find(q) != std::string::npos; };
  return has(info.id) || has(info.name) || has(info.family) || has(info.source) ||
         std::any_of(info.aliases.begin(), info.aliases.end(), has);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

void run(const ModelsArgs& args) {
  std::vector<tokenizers::TokenizerInfo> infos = tokenizers::Registry::global().list();
  std::erase_if(infos, [&](const auto& info) { return !matches(info, args.search); });
  if (args.json) {
    boost::json::array out;
    for (const auto& i : infos) out.push_back(tokenizers::info_to_json(i));
    std::cout << boost::json::serialize(out) << "\n";
    return;
  }
  if (infos.empty()) {
    std::cerr << "epubtok: no tokenizer matches '" << args.search << "'\n";
    throw CLI::RuntimeError(kExitFailures);
  }
  std::printf("%-26s %-10s %-9s %10s  %-21s %s\n", "ID", "FAMILY", "TYPE", "VOCAB", "EXACTNESS", "ALIASES / SOURCE");
  for (const auto& i : infos) {
    std::string vocab = i.vocab_size ? grouped(i.vocab_size) : "-";
    std::printf("%-26s %-10s %-9s %10s  %-21s %s\n", i.id.c_str(), i.family.c_str(), i.type.c_str(), vocab.c_str(),
                std::string(tokenizers::to_string(i.exactness)).c_str(),
                (i.aliases.empty() ? i.source : join(i.aliases) + "  (" + i.source + ")").c_str());
    if (i.exactness != tokenizers::Exactness::kExact && !i.exactness_reason.empty()) {
      std::printf("%-26s   %s\n", "", i.exactness_reason.c_str());
    }
  }
}

}  // namespace

void add_models_command(CLI::App& app) {
  auto args = std::make_shared<ModelsArgs>();
  CLI::App* cmd = app.add_subcommand("models", "List the available tokenizers");
  cmd->add_flag("--json", args->json, "Print a JSON array instead of a table");
  cmd->add_option("--search", args->search, "Only tokenizers whose id, alias, name, family or source contains this");
  cmd->callback([args] { run(*args); });
}

}  // namespace epubtok::cli
