// `epubtok text FILE.epub`: print exactly the text that is counted.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>

#include "cli/command.h"
#include "cli/common.h"
#include "epub/epub_reader.h"

namespace epubtok::cli {
namespace {

struct TextArgs {
  std::string file;
  int chapter = -1;
  std::vector<std::string> exclude;
  uint64_t max_mb = 512;
};

void run(const TextArgs& args) {
  auto exclude = parse_exclude(split_list(args.exclude));
  if (!exclude) throw CLI::RuntimeError(kExitUsage);
  epub::ReadOptions options;
  options.max_entry_bytes = args.max_mb << 20;
  Result<epub::Book> book = epub::read_book(args.file, options);
  if (!book) {
    std::cerr << "epubtok: " << book.status().code_name() << " " << args.file << ": " << book.status().message()
              << "\n";
    throw CLI::RuntimeError(kExitFailures);
  }
  if (args.chapter >= 0) {
    if (static_cast<size_t>(args.chapter) >= book->chapters.size()) {
      std::cerr << "epubtok: INVALID_ARGUMENT: --chapter " << args.chapter << " is out of range; the book has "
                << book->chapters.size() << " chapters (0–" << book->chapters.size() - 1 << ")\n";
      throw CLI::RuntimeError(kExitUsage);
    }
    std::cout << book->chapters[args.chapter].text;
  } else {
    // The same selection `count --exclude` makes, so what is printed is what is counted.
    std::erase_if(book->chapters, [&](const epub::Chapter& c) {
      return std::find(exclude->begin(), exclude->end(), c.kind) != exclude->end();
    });
    std::cout << epub::book_text(*book);
  }
  std::cout.flush();
}

}  // namespace

void add_text_command(CLI::App& app) {
  auto args = std::make_shared<TextArgs>();
  CLI::App* cmd = app.add_subcommand(
      "text",
      "Print a book's extracted text in reading order (chapters separated by one blank line): exactly what is counted");
  cmd->add_option("file", args->file, "The EPUB file")->required();
  cmd->add_option("--chapter", args->chapter, "Print only the chapter with this index (as in results.json, from 0)");
  cmd->add_option("--exclude", args->exclude, "Leave out chapter kinds, as `count --exclude` does: front, back")
      ->allow_extra_args(false);
  cmd->add_option("--max-mb", args->max_mb, "Limit on uncompressed text, in MiB")->default_str("512");
  cmd->callback([args] { run(*args); });
}

}  // namespace epubtok::cli
