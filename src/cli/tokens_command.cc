// `epubtok tokens -t NAME [FILE|-]`: count (or list) the tokens of plain text.
#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/command.h"
#include "cli/common.h"
#include "core/compiled_file.h"

namespace epubtok::cli {
namespace {

struct TokensArgs {
  std::vector<std::string> tokenizers;
  std::string file = "-";
  bool ids = false;
  bool with_special = false;
};

// The input's bytes: a regular file mapped read-only (no copy, no zeroed
// buffer, its pages populated in one call rather than faulted in one by
// one), anything else read into a string.
struct Input {
  std::shared_ptr<const compiled::MappedFile> mapped;
  std::string read;
  std::string_view text() const { return mapped ? mapped->bytes() : std::string_view(read); }
};

// Reads a pipe, a device or a file that cannot be mapped: one buffer sized
// from the file when it has a size, then whatever more the stream holds
// (streaming everything through an ostringstream grew and copied the
// buffer several times over, which cost more than counting a book's text).
std::optional<std::string> read_stream(const std::string& file, uintmax_t size) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "epubtok: " << (errno == ENOENT ? "FILE_NOT_FOUND" : "FILE_UNREADABLE") << ": cannot read " << file
              << ": " << std::strerror(errno) << "\n";
    return std::nullopt;
  }
  std::string text;
  if (size > 0) {
    text.resize(size);
    in.read(text.data(), static_cast<std::streamsize>(size));
    text.resize(static_cast<size_t>(in.gcount()));
  }
  if (in) {
    std::ostringstream rest;
    rest << in.rdbuf();
    text += rest.str();
  }
  return text;
}

std::optional<Input> read_input(const std::string& file) {
  Input input;
  if (file == "-") {
    std::ostringstream buffer;
    buffer << std::cin.rdbuf();
    input.read = buffer.str();
    return input;
  }
  std::error_code ec;
  const std::filesystem::file_type type = std::filesystem::status(file, ec).type();
  if (type == std::filesystem::file_type::directory) {
    std::cerr << "epubtok: FILE_UNREADABLE: cannot read " << file
              << ": it is a directory (tokens reads one text file)\n";
    return std::nullopt;
  }
  if (type == std::filesystem::file_type::regular) {
    std::string error;
    input.mapped = compiled::MappedFile::open(file, error);
    if (input.mapped) return input;
  }
  const uintmax_t size = type == std::filesystem::file_type::regular ? std::filesystem::file_size(file, ec) : 0;
  std::optional<std::string> text = read_stream(file, ec ? 0 : size);
  if (!text) return std::nullopt;
  input.read = std::move(*text);
  return input;
}

void run(const TokensArgs& args) {
  std::vector<std::string> names = split_list(args.tokenizers);
  if (names.empty()) {
    std::cerr << "epubtok: INVALID_ARGUMENT: -t needs a tokenizer (see `epubtok models`)\n";
    throw CLI::RuntimeError(kExitUsage);
  }
  auto tokenizers = load_tokenizers(names);
  if (!tokenizers) throw CLI::RuntimeError(kExitUsage);
  say_text_is_sent(*tokenizers);
  const std::optional<Input> input = read_input(args.file);
  if (!input) throw CLI::RuntimeError(kExitFailures);
  const std::string_view text = input->text();

  bool several = tokenizers->size() > 1;
  for (const auto& tokenizer : *tokenizers) {
    if (several) std::cout << tokenizer->info().id << "\t";
    if (args.ids) {
      if (!tokenizer->can_encode()) {
        std::cerr << "epubtok: INVALID_ARGUMENT: " << tokenizer->info().id
                  << " returns counts only, not token ids; drop --ids\n";
        throw CLI::RuntimeError(kExitUsage);
      }
      std::vector<uint32_t> ids = tokenizer->encode(text);
      std::cout << '[';
      for (size_t i = 0; i < ids.size(); ++i) std::cout << (i ? "," : "") << ids[i];
      std::cout << "]\n";
    } else {
      std::string_view texts[] = {text};
      Result<tokenizers::TextCount> n = std::move(tokenizer->count_each(texts)[0]);
      if (!n) {
        std::cerr << "epubtok: " << n.status().to_string() << "\n";
        throw CLI::RuntimeError(kExitFailures);
      }
      std::cout << n->tokens + (args.with_special ? tokenizer->special_overhead() : 0) << "\n";
      if (n->approximate) {
        std::cerr << "epubtok: note: " << tokenizer->info().id
                  << " counted this text in parts (too long for one request or blank); the sum is approximate\n";
      }
    }
  }
}

}  // namespace

void add_tokens_command(CLI::App& app) {
  auto args = std::make_shared<TokensArgs>();
  CLI::App* cmd = app.add_subcommand("tokens", "Count the tokens of a plain-text file or stdin");
  cmd->add_option("-t,--tokenizer", args->tokenizers, "Tokenizer id or alias (comma-separated for several)")
      ->required()
      ->allow_extra_args(false);
  cmd->add_option("file", args->file, "Text file, or - for stdin (default)");
  cmd->add_flag("--ids", args->ids, "Print the token ids as a JSON array instead of the count");
  cmd->add_flag("--with-special", args->with_special, "Include the special tokens a post-processor adds");
  cmd->callback([args] { run(*args); });
}

}  // namespace epubtok::cli
