#include "cli/common.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <unistd.h>

#include "count/counter.h"

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

}  // namespace epubtok::cli
