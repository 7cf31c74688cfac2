#include "cli/common.h"

#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "count/counter.h"
#include "tokenizers/anthropic/api_tokenizer.h"
#include "tokenizers/registry.h"

namespace epubtok::cli {

std::vector<std::string> split_list(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& value : values) {
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = value.find(',', start);
      if (comma == std::string::npos) comma = value.size();
      std::string item = value.substr(start, comma - start);
      item.erase(0, item.find_first_not_of(" \t"));
      item.erase(item.find_last_not_of(" \t") + 1);
      if (!item.empty() && std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
      start = comma + 1;
    }
  }
  return out;
}

std::optional<std::vector<std::shared_ptr<const tokenizers::Tokenizer>>> load_tokenizers(
    const std::vector<std::string>& names) {
  auto loaded = count::load_tokenizers(names);
  if (!loaded) {
    std::cerr << "epubtok: " << loaded.status().to_string() << "\n";
    return std::nullopt;
  }
  return std::move(*loaded);
}

std::optional<std::vector<epub::ChapterKind>> parse_exclude(const std::vector<std::string>& names) {
  std::vector<epub::ChapterKind> kinds;
  for (const std::string& name : names) {
    auto kind = epub::parse_chapter_kind(name);
    if (!kind) {
      std::cerr << "epubtok: INVALID_ARGUMENT: --exclude takes front, body or back, not '" << name << "'\n";
      return std::nullopt;
    }
    kinds.push_back(*kind);
  }
  return kinds;
}

bool stderr_is_interactive() {
  const char* no_color = std::getenv("NO_COLOR");
  return ::isatty(STDERR_FILENO) && !(no_color && *no_color);
}

std::string grouped(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

void add_api_flags(CLI::App& cmd, ApiFlags& flags) {
  cmd.add_option("--api-concurrency", flags.concurrency,
                 "claude-api:*: requests to Anthropic in flight at once (default 4)");
  cmd.add_option("--api-timeout", flags.timeout_s, "claude-api:*: seconds to wait for one answer (default 60)");
  cmd.add_flag("--no-cache", flags.no_cache,
               "claude-api:*: neither read nor write the cache of counts (see `epubtok cache stats`)");
}

bool apply_api_flags(const ApiFlags& flags) {
  if (flags.concurrency < 1 || flags.concurrency > 64) {
    std::cerr << "epubtok: INVALID_ARGUMENT: --api-concurrency takes 1 to 64, not " << flags.concurrency << "\n";
    return false;
  }
  if (!(flags.timeout_s > 0 && flags.timeout_s <= 3600)) {
    std::cerr << "epubtok: INVALID_ARGUMENT: --api-timeout takes 0 to 3600 seconds, not " << flags.timeout_s << "\n";
    return false;
  }
  tokenizers::anthropic::ApiSettings settings = tokenizers::anthropic::api_settings();
  settings.concurrency = flags.concurrency;
  settings.timeout_ms = long(flags.timeout_s * 1000);
  settings.use_cache = !flags.no_cache;
  tokenizers::anthropic::set_api_settings(settings);
  return true;
}

void say_text_is_sent(const std::vector<std::shared_ptr<const tokenizers::Tokenizer>>& tokenizers) {
  std::string ids;
  for (const auto& t : tokenizers) {
    if (t->info().remote) ids += (ids.empty() ? "" : ", ") + t->info().id;
  }
  if (ids.empty()) return;
  std::cerr << "epubtok: note: " << ids << " counts through Anthropic's API: the text is sent to Anthropic ("
            << tokenizers::anthropic::client_options_from_env().base_url
            << "). Counts already in the cache are not sent again.\n";
}

}  // namespace epubtok::cli
