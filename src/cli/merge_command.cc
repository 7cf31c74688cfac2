// `epubtok merge PART.jsonl…`: the results files of a whole library from the
// JSONL parts its shards wrote (docs/scale-out.md).
//
// Two passes, so memory holds one summary row per book and never a
// chapter: the first reads every part, checks it and keeps each book's
// summary row (what results.md/.csv and errors.log show) and where its line
// is; the second writes results.json in path order, reading each full row
// back from its part.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <unordered_map>

#include "cli/command.h"
#include "results/jsonl.h"
#include "results/results_document.h"

namespace epubtok::cli {
namespace {

struct MergeArgs {
  std::vector<std::string> parts;
  std::string output = "results";
  bool json = false;
  bool allow_incomplete = false;
};

struct RowPlace {
  uint32_t part = 0;
  uint64_t line = 0, offset = 0, length = 0;
};

// The summary row: what the Markdown/CSV/errors.log renderings and the
// summary read. The chapters and long metadata stay in the parts.
model::BookResult summary_row(model::BookResult row) {
  row.chapters.clear();
  row.chapters.shrink_to_fit();
  row.metadata.description.clear();
  row.metadata.description.shrink_to_fit();
  row.metadata.subjects.clear();
  row.metadata.identifiers.clear();
  row.warnings.clear();
  return row;
}

[[noreturn]] void fail(const Status& status, int code = kExitUsage) {
  std::cerr << "epubtok: " << status.to_string() << "\n";
  throw CLI::RuntimeError(code);
}

std::string describe_options(const model::RunRequest& o) {
  std::string text = "-t ";
  for (size_t i = 0; i < o.tokenizers.size(); ++i) text += (i ? "," : "") + o.tokenizers[i];
  if (!o.exclude.empty()) {
    text += " --exclude ";
    for (size_t i = 0; i < o.exclude.size(); ++i)
      text += (i ? "," : "") + std::string(epub::chapter_kind_name(o.exclude[i]));
  }
  if (o.with_special) text += " --with-special";
  return text;
}

void run(const MergeArgs& args) {
  if (args.parts.empty()) fail(Status(ErrorCode::kInvalidArgument, "merge needs at least one JSONL part"));

  std::optional<model::RunRequest> options;
  std::vector<model::BookResult> rows;
  std::vector<RowPlace> places;
  std::unordered_map<std::string, size_t> row_of_path;
  std::vector<uint32_t> shards_seen;
  uint32_t shard_count = 0;
  bool mixed_shard_counts = false;

  for (uint32_t p = 0; p < args.parts.size(); ++p) {
    const std::string& name = args.parts[p];
    auto part = results::read_jsonl(name, args.allow_incomplete, [&](results::JsonlBook&& book) -> Status {
      auto row = results::parse_book_row(book.row, /*with_chapters=*/false);
      if (!row) {
        return Status(ErrorCode::kInvalidSchema,
                      name + " line " + std::to_string(book.line) + ": " + row.status().message());
      }
      auto [it, inserted] = row_of_path.emplace(row->file_path, rows.size());
      if (!inserted) {
        const RowPlace& first = places[it->second];
        return Status(ErrorCode::kResultsDuplicate, row->file_path + " is in " + args.parts[first.part] + " line " +
                                                        std::to_string(first.line) + " and in " + name + " line " +
                                                        std::to_string(book.line));
      }
      rows.push_back(summary_row(std::move(*row)));
      places.push_back({p, book.line, book.offset, book.length});
      return Status::ok();
    });
    if (!part) fail(part.status());
    if (!part->has_header) fail(Status(ErrorCode::kInvalidSchema, name + " line 1: the part is empty"));
    if (!part->finished && !args.allow_incomplete) {
      fail(Status(ErrorCode::kResultsIncomplete,
                  name + " has no end line: its run did not finish (rerun it with `count --resume`, or pass "
                         "--allow-incomplete)"));
    }
    if (!options) {
      options = part->options;
    } else if (options->tokenizers != part->options.tokenizers || options->exclude != part->options.exclude ||
               options->with_special != part->options.with_special) {
      fail(Status(ErrorCode::kInvalidArgument, name + " was counted with " + describe_options(part->options) +
                                                   ", but " + args.parts.front() + " with " +
                                                   describe_options(*options) +
                                                   ": parts of one library must share tokenizers, --exclude and "
                                                   "--with-special"));
    }
    if (shard_count && shard_count != part->options.shard.count) mixed_shard_counts = true;
    shard_count = part->options.shard.count;
    shards_seen.push_back(part->options.shard.index);
  }

  // Every shard of a split library must be here, or the merge is partial.
  if (!mixed_shard_counts && shard_count > 1 && !args.allow_incomplete) {
    std::sort(shards_seen.begin(), shards_seen.end());
    shards_seen.erase(std::unique(shards_seen.begin(), shards_seen.end()), shards_seen.end());
    if (shards_seen.size() < shard_count) {
      std::string missing;
      for (uint32_t k = 0, i = 0; k < shard_count; ++k) {
        if (i < shards_seen.size() && shards_seen[i] == k) {
          ++i;
        } else {
          missing += (missing.empty() ? "" : ", ") + std::to_string(k);
        }
      }
      fail(Status(ErrorCode::kResultsIncomplete, "the parts are shards of " + std::to_string(shard_count) +
                                                     " but shard(s) " + missing +
                                                     " are missing (or pass --allow-incomplete)"));
    }
  }

  // The order a single `count` writes: by path.
  std::vector<size_t> order(rows.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return rows[a].file_path < rows[b].file_path; });
  std::vector<model::BookResult> sorted_rows;
  std::vector<RowPlace> sorted_places;
  sorted_rows.reserve(rows.size());
  sorted_places.reserve(rows.size());
  for (size_t i : order) {
    sorted_rows.push_back(std::move(rows[i]));
    sorted_places.push_back(places[i]);
  }
  rows.clear();
  rows.shrink_to_fit();
  row_of_path.clear();

  model::RunRequest document_options = *options;
  document_options.shard = {};
  results::ResultsDocument doc = results::make_document(document_options, std::move(sorted_rows));

  std::vector<std::unique_ptr<std::FILE, int (*)(std::FILE*)>> files;
  for (const std::string& name : args.parts) {
    std::FILE* f = std::fopen(name.c_str(), "rb");
    if (!f) fail(Status(ErrorCode::kIoError, "cannot read " + name + " again"), kExitFailures);
    files.emplace_back(f, &std::fclose);
  }
  results::RowJson full_row = [&](size_t i) {
    const RowPlace& place = sorted_places[i];
    return results::read_jsonl_row(files[place.part].get(), args.parts[place.part], place.offset, place.length);
  };

  if (args.json) {
    Status written = results::write_json_document(doc, full_row, [](std::string_view piece) {
      return std::fwrite(piece.data(), 1, piece.size(), stdout) == piece.size()
                 ? Status::ok()
                 : Status(ErrorCode::kIoError, "cannot write to standard output");
    });
    if (!written || std::fflush(stdout) != 0)
      fail(written.is_ok() ? Status(ErrorCode::kIoError, "cannot write to standard output") : written, kExitFailures);
  } else {
    Status written = results::write_results(doc, args.output, full_row);
    if (!written) fail(written, kExitFailures);
    std::fprintf(stderr, "Merged %zu parts, %zu books: %s/results.json, results.md, results.csv, errors.log\n",
                 args.parts.size(), doc.results.size(), args.output.c_str());
  }
  results::Summary s = results::summarize(doc);
  if (s.failed + s.skipped > 0) throw CLI::RuntimeError(kExitFailures);
}

}  // namespace

void add_merge_command(CLI::App& app) {
  auto args = std::make_shared<MergeArgs>();
  CLI::App* cmd = app.add_subcommand("merge", "Merge the JSONL parts of `count --jsonl` into the results files");
  cmd->add_option("parts", args->parts, "JSONL parts (one per shard)")->required();
  cmd->add_option("-o,--output", args->output, "Folder for results.json/.md/.csv and errors.log")
      ->default_str("results");
  cmd->add_flag("--json", args->json, "Print results.json to stdout instead of writing files");
  cmd->add_flag("--allow-incomplete", args->allow_incomplete,
                "Merge parts whose run did not finish (no end line, a torn last line, missing shards)");
  cmd->footer(
      "Writes what one `count` over the whole library would: rows in path order, the same summary. Exit status: 0 "
      "every book counted, 1 some books failed or were skipped, 2 a part is unreadable, incomplete, duplicated or "
      "counted with other options.");
  cmd->callback([args] { run(*args); });
}

}  // namespace epubtok::cli
