// `epubtok count [PATH…]`: count a library, write results.json/.md/.csv and
// errors.log (or print the JSON), show progress and a summary.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <thread>

#include "cli/command.h"
#include "cli/common.h"
#include "cli/progress.h"
#include "count/counter.h"
#include "results/results_document.h"

namespace epubtok::cli {
namespace {

struct CountArgs {
  std::vector<std::string> paths;
  bool recursive = false;
  std::vector<std::string> tokenizers{"o200k_base"};
  std::string jobs = "0";
  std::string output = "results";
  bool json = false;
  std::vector<std::string> exclude;
  uint64_t max_mb = 512;
  bool with_special = false;
  ApiFlags api;
};

int parse_jobs(const std::string& value) {
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  if (value == "all" || value == "0") return static_cast<int>(cores);
  try {
    size_t used = 0;
    int n = std::stoi(value, &used);
    if (used == value.size() && n > 0) return n;
  } catch (const std::exception&) {
  }
  return -1;
}

void print_summary(const results::ResultsDocument& doc) {
  results::Summary s = results::summarize(doc);
  std::fprintf(stderr, "\nBooks: %s  (ok %s, failed %s, skipped %s)\n", grouped(s.total).c_str(),
               grouped(s.ok).c_str(), grouped(s.failed).c_str(), grouped(s.skipped).c_str());
  std::fprintf(stderr, "Words: %s   Characters: %s\n", grouped(s.word_count).c_str(), grouped(s.char_count).c_str());
  if (!s.token_counts.empty()) {
    std::fprintf(stderr, "\n%-24s %16s %14s %12s\n", "tokenizer", "tokens", "avg per book", "per word");
    for (const auto& [id, n] : s.token_counts) {
      std::string avg = s.ok ? grouped(n / s.ok) : "-";
      char ratio[32] = "-";
      if (s.word_count) std::snprintf(ratio, sizeof ratio, "%.3f", double(n) / double(s.word_count));
      std::fprintf(stderr, "%-24s %16s %14s %12s\n", id.c_str(), grouped(n).c_str(), avg.c_str(), ratio);
    }
  }
  if (s.failed + s.skipped > 0) {
    std::fprintf(stderr, "\nNot counted:\n");
    for (const auto& b : doc.results) {
      if (b.error) std::fprintf(stderr, "  %s  %s: %s\n", b.error->code.c_str(), b.file_path.c_str(), b.error->message.c_str());
    }
  }
}

void run(const CountArgs& args) {
  int jobs = parse_jobs(args.jobs);
  if (jobs < 1) {
    std::cerr << "epubtok: INVALID_ARGUMENT: -j takes a positive number or 'all', not '" << args.jobs << "'\n";
    throw CLI::RuntimeError(kExitUsage);
  }
  if (args.max_mb == 0) {
    std::cerr << "epubtok: INVALID_ARGUMENT: --max-mb must be at least 1\n";
    throw CLI::RuntimeError(kExitUsage);
  }
  std::vector<std::string> names = split_list(args.tokenizers);
  if (names.empty()) {
    std::cerr << "epubtok: INVALID_ARGUMENT: -t needs at least one tokenizer (see `epubtok models`)\n";
    throw CLI::RuntimeError(kExitUsage);
  }
  if (!apply_api_flags(args.api)) throw CLI::RuntimeError(kExitUsage);
  auto tokenizers = load_tokenizers(names);
  auto exclude = parse_exclude(split_list(args.exclude));
  if (!tokenizers || !exclude) throw CLI::RuntimeError(kExitUsage);
  say_text_is_sent(*tokenizers);

  count::CountOptions options;
  options.tokenizers = *tokenizers;
  options.exclude = *exclude;
  options.max_bytes = args.max_mb << 20;
  options.with_special = args.with_special;

  results::RunOptions run_options;
  for (const auto& t : options.tokenizers) run_options.tokenizers.push_back(t->info().id);
  run_options.exclude = split_list(args.exclude);
  run_options.paths = args.paths.empty() ? std::vector<std::string>{"epubs"} : args.paths;
  run_options.recursive = args.recursive;
  run_options.max_mb = args.max_mb;
  run_options.with_special = args.with_special;
  run_options.jobs = jobs;

  count::ScanResult scan = count::find_epubs(run_options.paths, args.recursive);
  if (scan.books.empty() && scan.failures.empty()) {
    std::cerr << "epubtok: no EPUB files found in " << run_options.paths.front()
              << (run_options.paths.size() > 1 ? " (and the other paths)" : "")
              << (args.recursive ? "" : "; use -r to search subfolders") << "\n";
  }

  bool interactive = stderr_is_interactive();
  ProgressLine progress(interactive && !scan.books.empty());
  count::LibraryCallbacks callbacks;
  callbacks.on_start = [&](const count::LibraryProgress& p) { progress.update(p); };
  callbacks.on_book = [&](const count::BookResult& book, const count::LibraryProgress& p) {
    progress.update(p, p.done == p.total);
    if (!interactive && book.error) {
      std::cerr << "epubtok: " << book.error->code << " " << book.file_path << ": " << book.error->message << "\n";
    }
  };
  std::vector<count::BookResult> rows = count::count_library(scan.books, options, jobs, callbacks);
  progress.finish();
  for (auto& failure : scan.failures) rows.push_back(std::move(failure));

  results::ResultsDocument doc = results::make_document(run_options, std::move(rows));
  if (args.json) {
    std::cout << results::to_json_text(doc);
    std::cout.flush();
  } else {
    Status written = results::write_results(doc, args.output);
    if (!written) {
      std::cerr << "epubtok: " << written.to_string() << "\n";
      throw CLI::RuntimeError(kExitFailures);
    }
    print_summary(doc);
    std::fprintf(stderr, "\nResults: %s/results.json, results.md, results.csv, errors.log\n", args.output.c_str());
  }
  results::Summary s = results::summarize(doc);
  if (s.failed + s.skipped > 0) throw CLI::RuntimeError(kExitFailures);
}

}  // namespace

void add_count_command(CLI::App& app) {
  auto args = std::make_shared<CountArgs>();
  CLI::App* cmd = app.add_subcommand("count", "Count words and tokens of EPUB files and folders");
  cmd->add_option("paths", args->paths, "EPUB files and/or folders (default: ./epubs)");
  cmd->add_flag("-r,--recursive", args->recursive, "Search folders recursively");
  cmd->add_option("-t,--tokenizers", args->tokenizers,
                  "Tokenizers, comma-separated ids or aliases (see `epubtok models`)")
      ->default_str("o200k_base")
      ->allow_extra_args(false);  // one value per -t, so `-t x book.epub` keeps book.epub a path
  cmd->add_option("-j,--jobs", args->jobs, "Books counted in parallel: a number or 'all' (default: all cores)");
  cmd->add_option("-o,--output", args->output, "Folder for results.json/.md/.csv and errors.log")->default_str("results");
  cmd->add_flag("--json", args->json, "Print the results document to stdout instead of writing files");
  cmd->add_option("--exclude", args->exclude, "Chapter kinds left out of the totals: front, back (comma-separated)")
      ->allow_extra_args(false);
  cmd->add_option("--max-mb", args->max_mb, "Limit on uncompressed text per book, in MiB")->default_str("512");
  cmd->add_flag("--with-special", args->with_special,
                "Include the special tokens a model's post-processor adds (BOS, CLS/SEP)");
  add_api_flags(*cmd, args->api);
  cmd->footer(
      "Exit status: 0 all books counted, 1 some books failed or were skipped (the rest is still written), 2 usage "
      "error.");
  cmd->callback([args] { run(*args); });
}

}  // namespace epubtok::cli
