// `epubtok count [PATH…]`: count a library, write results.json/.md/.csv and
// errors.log (or print the JSON), show progress and a summary.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/common.h"
#include "cli/jsonl_run.h"
#include "cli/progress.h"
#include "core/cpu_budget.h"
#include "count/book_source.h"
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
  // Scale-out (docs/scale-out.md).
  std::string jsonl;       // --jsonl FILE|-
  std::string files_from;  // --files-from FILE|-
  bool null_separated = false;
  std::string shard;  // --shard K/N|slurm
  bool resume = false;
  bool no_chapters = false;
  bool output_given = false;
  ApiFlags api;
};

// -j: a positive number, or "all"/"0" for every CPU this process may use.
int parse_jobs(const std::string& value) {
  if (value == "all" || value == "0") return available_cpus();
  try {
    size_t used = 0;
    int n = std::stoi(value, &used);
    if (used == value.size() && n > 0) return n;
  } catch (const std::exception&) {
  }
  return -1;
}

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "epubtok: INVALID_ARGUMENT: " << message << "\n";
  throw CLI::RuntimeError(kExitUsage);
}

void print_summary(const results::ResultsDocument& doc) {
  results::Summary s = results::summarize(doc);
  std::fprintf(stderr, "\nBooks: %s  (ok %s, failed %s, skipped %s)\n", grouped(s.total).c_str(), grouped(s.ok).c_str(),
               grouped(s.failed).c_str(), grouped(s.skipped).c_str());
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
      if (b.error)
        std::fprintf(stderr, "  %s  %s: %s\n", b.error->code.c_str(), b.file_path.c_str(), b.error->message.c_str());
    }
  }
}

void run(const CountArgs& args) {
  int jobs = parse_jobs(args.jobs);
  if (jobs < 1) usage_error("-j takes a positive number or 'all', not '" + args.jobs + "'");
  if (args.max_mb == 0) usage_error("--max-mb must be at least 1");
  std::vector<std::string> names = split_list(args.tokenizers);
  if (names.empty()) usage_error("-t needs at least one tokenizer (see `epubtok models`)");
  if (args.resume && (args.jsonl.empty() || args.jsonl == "-"))
    usage_error("--resume needs --jsonl FILE (a file, not -)");
  if (!args.jsonl.empty() && (args.json || args.output_given)) {
    usage_error("--jsonl writes the rows as a stream; use `epubtok merge PART.jsonl… -o DIR` for the results files");
  }
  if (args.null_separated && args.files_from.empty()) usage_error("-0 goes with --files-from");
  if (!args.files_from.empty() && !args.paths.empty()) usage_error("give paths or --files-from, not both");
  if (!apply_api_flags(args.api)) throw CLI::RuntimeError(kExitUsage);
  auto exclude = parse_exclude(split_list(args.exclude));
  if (!exclude) throw CLI::RuntimeError(kExitUsage);

  model::RunRequest request;
  request.tokenizers = names;
  request.exclude = *exclude;
  if (!args.files_from.empty()) {
    request.paths = {"@" + args.files_from};
  } else {
    request.paths = args.paths.empty() ? std::vector<std::string>{"epubs"} : args.paths;
  }
  request.recursive = args.recursive;
  request.max_mb = args.max_mb;
  request.with_special = args.with_special;
  request.jobs = jobs;
  request.no_chapters = args.no_chapters;
  if (!args.shard.empty()) {
    auto shard = count::parse_shard(args.shard);
    if (!shard) usage_error(shard.status().message());
    request.shard = *shard;
  }
  auto options = count::make_count_options(request);
  if (!options) {
    std::cerr << "epubtok: " << options.status().to_string() << "\n";
    throw CLI::RuntimeError(kExitUsage);
  }
  request.tokenizers.clear();  // the outputs record canonical ids
  for (const auto& t : options->tokenizers) request.tokenizers.push_back(t->info().id);
  say_text_is_sent(options->tokenizers);

  std::unique_ptr<count::BookSource> source;
  if (!args.files_from.empty()) {
    auto listed = count::BookSource::from_list(args.files_from, args.null_separated, args.recursive);
    if (!listed) {
      std::cerr << "epubtok: " << listed.status().to_string() << "\n";
      throw CLI::RuntimeError(kExitUsage);
    }
    source = std::move(*listed);
  } else {
    source = count::BookSource::from_paths(request.paths, args.recursive);
  }
  source->set_shard(request.shard);

  if (!args.jsonl.empty()) {
    JsonlRun run{args.jsonl, args.resume, request, std::move(*options), jobs};
    int code = run_jsonl(run, std::move(source));
    if (code != kExitOk) throw CLI::RuntimeError(code);
    return;
  }

  // A results folder: the rows are collected, counted largest book first,
  // and written sorted by path (the order `merge` reproduces).
  std::vector<std::string> books;
  std::vector<model::BookResult> rows;
  while (auto item = source->next()) {
    if (item->failure) {
      rows.push_back(std::move(*item->failure));
    } else {
      books.push_back(std::move(item->path));
    }
  }
  if (!source->error().is_ok()) {
    std::cerr << "epubtok: " << source->error().to_string() << "\n";
    throw CLI::RuntimeError(kExitUsage);
  }
  if (books.empty() && rows.empty()) {
    std::cerr << "epubtok: no EPUB files found in " << request.paths.front()
              << (request.paths.size() > 1 ? " (and the other paths)" : "")
              << (args.recursive || !args.files_from.empty() ? "" : "; use -r to search subfolders")
              << (request.shard.count > 1 ? " for this shard" : "") << "\n";
  }

  bool interactive = stderr_is_interactive();
  ProgressLine progress(interactive && !books.empty());
  count::LibraryCallbacks callbacks;
  callbacks.on_start = [&](const count::LibraryProgress& p) { progress.update(p); };
  callbacks.on_book = [&](const model::BookResult& book, const count::LibraryProgress& p) {
    progress.update(p, p.done == p.total);
    if (!interactive && book.error) {
      std::cerr << "epubtok: " << book.error->code << " " << book.file_path << ": " << book.error->message << "\n";
    }
  };
  std::vector<model::BookResult> counted = count::count_library(books, *options, jobs, callbacks);
  progress.finish();
  rows.insert(rows.end(), std::make_move_iterator(counted.begin()), std::make_move_iterator(counted.end()));
  std::stable_sort(rows.begin(), rows.end(),
                   [](const model::BookResult& a, const model::BookResult& b) { return a.file_path < b.file_path; });
  if (request.no_chapters) {
    for (auto& row : rows) row.chapters.clear();
  }

  results::ResultsDocument doc = results::make_document(request, std::move(rows));
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
  cmd->add_option("-j,--jobs", args->jobs,
                  "Worker threads: books are counted in parallel, and a large book's parts once a thread runs "
                  "out of books; a number or 'all' (default: the CPUs this process may use, after affinity and "
                  "cgroup quotas)");
  cmd->add_option("-o,--output", args->output, "Folder for results.json/.md/.csv and errors.log")
      ->default_str("results")
      ->each([args](const std::string&) { args->output_given = true; });
  cmd->add_flag("--json", args->json, "Print the results document to stdout instead of writing files");
  cmd->add_option("--exclude", args->exclude, "Chapter kinds left out of the totals: front, back (comma-separated)")
      ->allow_extra_args(false);
  cmd->add_option("--max-mb", args->max_mb, "Limit on uncompressed text per book, in MiB")->default_str("512");
  cmd->add_flag("--with-special", args->with_special,
                "Include the special tokens a model's post-processor adds (BOS, CLS/SEP)");
  cmd->add_option("--jsonl", args->jsonl,
                  "Stream one JSON line per book to FILE (or - for stdout) as books finish, instead of the "
                  "results files; merge parts with `epubtok merge`");
  cmd->add_option("--files-from", args->files_from, "Read the paths to count from FILE (or - for stdin), one a line");
  cmd->add_flag("-0,--null", args->null_separated, "--files-from paths are NUL-separated (find -print0)");
  cmd->add_option("--shard", args->shard,
                  "Count only shard K of N (K/N, K from 0), or the Slurm array task's shard ('slurm')");
  cmd->add_flag("--resume", args->resume,
                "With --jsonl FILE: keep FILE's rows and count only the books it has no current row for");
  cmd->add_flag("--no-chapters", args->no_chapters, "Leave the per-chapter rows out (totals are unchanged)");
  add_api_flags(*cmd, args->api);
  cmd->footer(
      "Exit status: 0 all books counted, 1 some books failed or were skipped (the rest is still written), 2 usage "
      "error.");
  cmd->callback([args] { run(*args); });
}

}  // namespace epubtok::cli
