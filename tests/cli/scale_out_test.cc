// Scale-out through the real binary: `count --jsonl` parts, --shard,
// --files-from, --resume after kill -9, and `merge` giving exactly what one
// `count` over the whole library writes. docs/scale-out.md describes the
// workflow these tests hold to.
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "cli_harness.h"
#include "support/epub_builder.h"
#include "support/sample_library.h"

namespace epubtok {
namespace {
namespace fs = std::filesystem;
namespace json = boost::json;
using ::testing::HasSubstr;

const std::vector<std::string> kTokenizers = {"-t", "o200k_base,claude"};

// A results folder with what may differ between one count and a merge
// blanked out: generation times, processing_ms, the recorded worker count.
struct Normalised {
  std::string json, md, csv, errors;
  bool operator==(const Normalised&) const = default;
};
Normalised normalised(const fs::path& dir) {
  static const std::regex timestamp(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");
  static const std::regex last_csv_column(R"(,\d+\r\n)");
  Normalised n;
  json::value doc = json::parse(slurp(dir / "results.json"));
  doc.at("generated_at") = "";
  doc.at("options").at("jobs") = 0;
  for (auto& row : doc.at("results").as_array()) row.at("processing_ms") = 0;
  n.json = json::serialize(doc);
  n.md = std::regex_replace(slurp(dir / "results.md"), timestamp, "T");
  n.csv = std::regex_replace(slurp(dir / "results.csv"), last_csv_column, ",0\r\n");
  n.errors = std::regex_replace(slurp(dir / "errors.log"), timestamp, "T");
  return n;
}

std::vector<json::object> lines_of(const fs::path& part) {
  std::vector<json::object> lines;
  std::ifstream in(part);
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line).as_object());
  return lines;
}

std::set<std::string> books_in(const fs::path& part) {
  std::set<std::string> paths;
  for (const auto& line : lines_of(part)) {
    if (line.at("type") == "book") paths.insert(std::string(line.at("file_path").as_string()));
  }
  return paths;
}

class ScaleOutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("epubtok-scale-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "lib");
    testing::make_sample_library((dir_ / "lib").string());
    testing::make_library((dir_ / "lib" / "shelf").string(), 10, 1.5, 7);
    ASSERT_TRUE(testing::write_file((dir_ / "lib" / "shelf" / "broken.epub").string(), "not a zip"));
  }
  void TearDown() override { fs::remove_all(dir_); }

  Outcome run(std::vector<std::string> args) {
    args.insert(args.begin() + 1, kTokenizers.begin(), kTokenizers.end());
    return epubtok(args, dir_);
  }
  // The reference: one plain count of the whole library.
  void count_whole(const std::string& out) {
    Outcome r = run({"count", "-r", "lib", "-o", out});
    ASSERT_EQ(r.exit_code, 1) << r.err;  // broken.epub
  }
  void merge(const std::vector<std::string>& parts, const std::string& out) {
    std::vector<std::string> args{"merge"};
    args.insert(args.end(), parts.begin(), parts.end());
    args.insert(args.end(), {"-o", out});
    Outcome r = epubtok(args, dir_);
    ASSERT_EQ(r.exit_code, 1) << r.err;  // 1: the library holds a failed book, like count
  }

  fs::path dir_;
};

TEST_F(ScaleOutTest, MergedShardsAreTheSingleCount) {
  count_whole("single");
  std::vector<std::string> parts;
  std::set<std::string> seen;
  size_t total = 0;
  for (int k = 0; k < 4; ++k) {
    std::string part = "part-" + std::to_string(k) + ".jsonl";
    Outcome r = run({"count", "-r", "lib", "--shard", std::to_string(k) + "/4", "--jsonl", part, "-j", "2"});
    ASSERT_EQ(r.exit_code, 0) << r.err;  // a finished part: its failed book is a row, not a failure
    auto lines = lines_of(dir_ / part);
    ASSERT_GE(lines.size(), 2u);
    EXPECT_EQ(lines.front().at("type"), "run");
    EXPECT_EQ(lines.front().at("shard").at("index").to_number<int>(), k);
    EXPECT_EQ(lines.back().at("type"), "end");
    auto books = books_in(dir_ / part);
    EXPECT_EQ(lines.back().at("books").to_number<size_t>(), books.size());
    total += books.size();
    seen.insert(books.begin(), books.end());
    parts.push_back(part);
  }
  EXPECT_EQ(seen.size(), total) << "a book is in two shards";
  EXPECT_EQ(total, 18u);  // 7 sample books, 10 shelf books, broken.epub
  merge(parts, "merged");
  EXPECT_EQ(normalised(dir_ / "single"), normalised(dir_ / "merged"));

  // The whole library as one part merges to the same, and so does --json.
  ASSERT_EQ(run({"count", "-r", "lib", "--jsonl", "all.jsonl"}).exit_code, 0);
  merge({"all.jsonl"}, "merged-one");
  EXPECT_EQ(normalised(dir_ / "single"), normalised(dir_ / "merged-one"));
  Outcome printed = epubtok({"merge", "all.jsonl", "--json"}, dir_);
  json::value a = json::parse(printed.out), b = json::parse(slurp(dir_ / "merged-one" / "results.json"));
  a.at("generated_at") = "";
  b.at("generated_at") = "";
  EXPECT_EQ(a, b);
}

TEST_F(ScaleOutTest, ShardMembershipDependsOnlyOnThePathBelowTheRoot) {
  // The same books under another root, with other books beside them, listed
  // in another order: each book stays in its shard.
  fs::create_directories(dir_ / "elsewhere" / "deeper");
  fs::copy(dir_ / "lib", dir_ / "elsewhere" / "deeper" / "lib", fs::copy_options::recursive);
  testing::make_library((dir_ / "elsewhere" / "deeper" / "lib" / "extra").string(), 6, 0.5, 11);
  std::map<std::string, int> shard_a, shard_b;
  for (int k = 0; k < 3; ++k) {
    std::string s = std::to_string(k) + "/3";
    ASSERT_EQ(run({"count", "-r", "lib", "--shard", s, "--jsonl", "a.jsonl"}).exit_code, 0);
    ASSERT_EQ(run({"count", "-r", "elsewhere/deeper/lib", "--shard", s, "--jsonl", "b.jsonl"}).exit_code, 0);
    for (const auto& p : books_in(dir_ / "a.jsonl")) shard_a[fs::relative(p, "lib").string()] = k;
    for (const auto& p : books_in(dir_ / "b.jsonl")) shard_b[fs::relative(p, "elsewhere/deeper/lib").string()] = k;
  }
  ASSERT_EQ(shard_a.size(), 18u);
  EXPECT_EQ(shard_b.size(), 24u);
  for (const auto& [book, k] : shard_a) EXPECT_EQ(shard_b.at(book), k) << book;
}

TEST_F(ScaleOutTest, ResumeAfterKill9GivesTheRowsOfAnUninterruptedRun) {
  count_whole("single");
  for (int delay_ms : {5, 40, 120, 250}) {
    SCOPED_TRACE("killed after " + std::to_string(delay_ms) + " ms");
    fs::remove(dir_ / "part.jsonl");
    std::string binary = EPUBTOK_BINARY;
    pid_t pid = ::fork();
    if (pid == 0) {
      if (!freopen("/dev/null", "wb", stderr) || ::chdir(dir_.c_str()) != 0) _exit(127);
      ::execl(binary.c_str(), binary.c_str(), "count", "-t", "o200k_base,claude", "-r", "lib", "-j", "2", "--jsonl",
              "part.jsonl", static_cast<char*>(nullptr));
      _exit(127);
    }
    ::usleep(static_cast<useconds_t>(delay_ms) * 1000);
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    Outcome resumed = run({"count", "-r", "lib", "-j", "2", "--jsonl", "part.jsonl", "--resume"});
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    merge({"part.jsonl"}, "resumed");
    EXPECT_EQ(normalised(dir_ / "single"), normalised(dir_ / "resumed"));
  }
}

TEST_F(ScaleOutTest, AFinishedPartResumesWithNoWork) {
  ASSERT_EQ(run({"count", "-r", "lib", "--jsonl", "part.jsonl"}).exit_code, 0);
  std::string before = slurp(dir_ / "part.jsonl");
  Outcome again = run({"count", "-r", "lib", "--jsonl", "part.jsonl", "--resume"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.err, HasSubstr("(0 new)"));
  EXPECT_EQ(slurp(dir_ / "part.jsonl"), before);
}

TEST_F(ScaleOutTest, ATornLastLineIsDroppedAndItsBookCountedAgain) {
  count_whole("single");
  ASSERT_EQ(run({"count", "-r", "lib", "--jsonl", "part.jsonl"}).exit_code, 0);
  std::string text = slurp(dir_ / "part.jsonl");
  // Cut the end line and half of the last book line, as a kill mid-write would.
  size_t end_line = text.rfind('\n', text.size() - 2);
  size_t last_book = text.rfind('\n', end_line - 1);
  std::ofstream(dir_ / "part.jsonl", std::ios::binary | std::ios::trunc)
      << text.substr(0, last_book + 1 + (end_line - last_book) / 2);
  Outcome merged = epubtok({"merge", "part.jsonl"}, dir_);
  EXPECT_EQ(merged.exit_code, 2);
  EXPECT_THAT(merged.err, HasSubstr("INVALID_SCHEMA"));
  Outcome resumed = run({"count", "-r", "lib", "--jsonl", "part.jsonl", "--resume"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_THAT(resumed.err, HasSubstr("(1 new)"));
  merge({"part.jsonl"}, "resumed");
  EXPECT_EQ(normalised(dir_ / "single"), normalised(dir_ / "resumed"));
}

TEST_F(ScaleOutTest, ResumeRecountsChangedBooksAndDropsVanishedOnes) {
  ASSERT_EQ(run({"count", "-r", "lib", "--jsonl", "part.jsonl"}).exit_code, 0);
  // One book rewritten with other text, one deleted, one added.
  testing::EpubSpec spec;
  spec.metadata.title = "Rewritten";
  spec.chapters = {testing::make_chapter("c.xhtml", "C", {"Entirely new words in a rewritten book."})};
  ASSERT_TRUE(testing::write_file((dir_ / "lib" / "the-lantern-keeper.epub").string(), testing::build_epub(spec)));
  fs::remove(dir_ / "lib" / "hehe-de-gushi.epub");
  spec.metadata.title = "Added";
  ASSERT_TRUE(testing::write_file((dir_ / "lib" / "added.epub").string(), testing::build_epub(spec)));
  Outcome resumed = run({"count", "-r", "lib", "--jsonl", "part.jsonl", "--resume"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_THAT(resumed.err, HasSubstr("(2 new)"));
  count_whole("single");
  merge({"part.jsonl"}, "resumed");
  EXPECT_EQ(normalised(dir_ / "single"), normalised(dir_ / "resumed"));
}

TEST_F(ScaleOutTest, ResumeRefusesOtherOptions) {
  ASSERT_EQ(run({"count", "-r", "lib", "--jsonl", "part.jsonl", "--shard", "0/2"}).exit_code, 0);
  std::string before = slurp(dir_ / "part.jsonl");
  for (std::vector<std::string> args :
       {std::vector<std::string>{"count", "-t", "cl100k_base", "-r", "lib", "--shard", "0/2"},
        {"count", "-t", "o200k_base,claude", "-r", "lib", "--shard", "1/2"},
        {"count", "-t", "o200k_base,claude", "-r", "lib", "--shard", "0/2", "--exclude", "front"}}) {
    args.insert(args.end(), {"--jsonl", "part.jsonl", "--resume"});
    Outcome r = epubtok(args, dir_);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_THAT(r.err, HasSubstr("INVALID_ARGUMENT: cannot resume part.jsonl"));
  }
  EXPECT_EQ(slurp(dir_ / "part.jsonl"), before);
}

TEST_F(ScaleOutTest, MergeRefusesPartsThatDoNotMakeOneLibrary) {
  ASSERT_EQ(run({"count", "-r", "lib", "--shard", "0/2", "--jsonl", "p0.jsonl"}).exit_code, 0);
  ASSERT_EQ(run({"count", "-r", "lib", "--shard", "1/2", "--jsonl", "p1.jsonl"}).exit_code, 0);
  auto expect_error = [&](const std::vector<std::string>& args, const std::string& code, const std::string& detail) {
    Outcome r = epubtok(args, dir_);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr(code));
    EXPECT_THAT(r.err, HasSubstr(detail));
  };
  expect_error({"merge", "p0.jsonl", "p0.jsonl", "p1.jsonl"}, "RESULTS_DUPLICATE",
               "p0.jsonl line 2 and in p0.jsonl line 2");
  expect_error({"merge", "p0.jsonl"}, "RESULTS_INCOMPLETE", "shard(s) 1 are missing");
  EXPECT_EQ(epubtok({"merge", "p0.jsonl", "--allow-incomplete", "-o", "partial"}, dir_).exit_code, 1);

  std::string text = slurp(dir_ / "p1.jsonl");
  std::ofstream(dir_ / "unfinished.jsonl") << text.substr(0, text.rfind("{\"type\":\"end\""));
  expect_error({"merge", "p0.jsonl", "unfinished.jsonl"}, "RESULTS_INCOMPLETE", "unfinished.jsonl has no end line");
  EXPECT_EQ(epubtok({"merge", "p0.jsonl", "unfinished.jsonl", "--allow-incomplete"}, dir_).exit_code, 1);

  ASSERT_EQ(
      epubtok({"count", "-t", "cl100k_base", "-r", "lib", "--shard", "1/2", "--jsonl", "other.jsonl"}, dir_).exit_code,
      0);
  expect_error({"merge", "p0.jsonl", "other.jsonl"}, "INVALID_ARGUMENT", "other.jsonl was counted with -t cl100k_base");

  ASSERT_EQ(run({"count", "-r", "lib", "-o", "folder"}).exit_code, 1);
  expect_error({"merge", "folder/results.json"}, "INVALID_SCHEMA", "folder/results.json line 1:");
  std::ofstream(dir_ / "old.jsonl") << R"({"type":"run","schema_version":"1.0","options":{}})"
                                    << "\n";
  expect_error({"merge", "old.jsonl"}, "INVALID_SCHEMA", "old.jsonl line 1: schema_version must be \"2.0\"");
  std::ofstream(dir_ / "junk.jsonl") << text.substr(0, text.find('\n') + 1) << "{\"type\":\"book\",\n";
  expect_error({"merge", "junk.jsonl"}, "INVALID_SCHEMA", "junk.jsonl line 2:");
}

TEST_F(ScaleOutTest, BadShardsAndListsGetClearErrors) {
  for (const char* shard : {"4/4", "x", "1/0", "-1/4", "slurm"}) {
    Outcome r = run({"count", "lib", "--shard", shard, "--jsonl", "p.jsonl"});
    EXPECT_EQ(r.exit_code, 2) << shard;
    EXPECT_THAT(r.err, HasSubstr("INVALID_ARGUMENT")) << shard;
  }
  ::setenv("SLURM_ARRAY_TASK_ID", "7", 1);
  ::setenv("SLURM_ARRAY_TASK_MIN", "5", 1);
  ::setenv("SLURM_ARRAY_TASK_COUNT", "3", 1);
  Outcome slurm = run({"count", "-r", "lib", "--shard", "slurm", "--jsonl", "p.jsonl"});
  ::unsetenv("SLURM_ARRAY_TASK_ID");
  ::unsetenv("SLURM_ARRAY_TASK_MIN");
  ::unsetenv("SLURM_ARRAY_TASK_COUNT");
  ASSERT_EQ(slurm.exit_code, 0) << slurm.err;
  EXPECT_EQ(lines_of(dir_ / "p.jsonl").front().at("shard"), (json::value{{"index", 2}, {"count", 3}}));

  Outcome missing = run({"count", "--files-from", "no-such-list.txt", "--jsonl", "p.jsonl"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("IO_ERROR: cannot read the list no-such-list.txt"));
}

TEST_F(ScaleOutTest, FilesFromReadsLinesOrNulSeparatedPaths) {
  std::ofstream(dir_ / "list.txt") << "lib/the-lantern-keeper.epub\r\n\nlib/no-such-book.epub\nlib/shelf\n";
  Outcome r = run({"count", "--files-from", "list.txt", "--jsonl", "p.jsonl"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::string> status;
  for (const auto& line : lines_of(dir_ / "p.jsonl")) {
    if (line.at("type") != "book") continue;
    status[std::string(line.at("file_path").as_string())] =
        line.contains("error") ? std::string(line.at("error").at("code").as_string()) : "ok";
  }
  EXPECT_EQ(status.size(), 13u);  // one named book, one missing, the shelf's 11 files
  EXPECT_EQ(status["lib/the-lantern-keeper.epub"], "ok");
  EXPECT_EQ(status["lib/no-such-book.epub"], "FILE_NOT_FOUND");
  EXPECT_EQ(status["lib/shelf/broken.epub"], "EPUB_NOT_ZIP");

  std::string nul_list = std::string("lib/die-stille-stadt.epub") + '\0' + "lib/dalnyaya-doroga.epub" + '\0';
  Outcome from_stdin = epubtok({"count", "-t", "o200k_base", "--files-from", "-", "-0", "--json"}, dir_, nul_list);
  ASSERT_EQ(from_stdin.exit_code, 0) << from_stdin.err;
  EXPECT_EQ(json::parse(from_stdin.out).at("results").as_array().size(), 2u);
}

TEST_F(ScaleOutTest, WriteErrorsStopTheRunWithoutAnEndLine) {
  Outcome full = run({"count", "-r", "lib", "--jsonl", "/dev/full"});
  EXPECT_EQ(full.exit_code, 1);
  EXPECT_THAT(full.err, HasSubstr("IO_ERROR: cannot write /dev/full"));

  // A reader that goes away: a closed pipe is IO_ERROR and exit 1, not SIGPIPE.
  std::ofstream(dir_ / "pipe.sh") << "'" << EPUBTOK_BINARY
                                  << "' count -t o200k_base -r lib --jsonl - 2>pipe.err | head -c 10 >/dev/null\n"
                                  << "echo ${PIPESTATUS[0]} > pipe.status\n";
  ASSERT_EQ(std::system(("cd '" + dir_.string() + "' && bash pipe.sh").c_str()), 0);
  EXPECT_EQ(slurp(dir_ / "pipe.status"), "1\n");
  EXPECT_THAT(slurp(dir_ / "pipe.err"), HasSubstr("IO_ERROR: cannot write standard output"));
}

TEST_F(ScaleOutTest, NoChaptersLeavesTheChapterRowsOut) {
  ASSERT_EQ(run({"count", "-r", "lib", "--jsonl", "with.jsonl"}).exit_code, 0);
  ASSERT_EQ(run({"count", "-r", "lib", "--jsonl", "without.jsonl", "--no-chapters"}).exit_code, 0);
  auto with = lines_of(dir_ / "with.jsonl"), without = lines_of(dir_ / "without.jsonl");
  ASSERT_EQ(with.size(), without.size());
  EXPECT_EQ(with.back().at("summary"), without.back().at("summary"));
  for (const auto& line : without) EXPECT_FALSE(line.contains("chapters"));
  EXPECT_TRUE(without.front().at("options").at("no_chapters").as_bool());
}

TEST_F(ScaleOutTest, JobsDefaultToTheCpusThisProcessMayUse) {
  cpu_set_t original, one;
  ASSERT_EQ(sched_getaffinity(0, sizeof original, &original), 0);
  CPU_ZERO(&one);
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (CPU_ISSET(c, &original)) {
      CPU_SET(c, &one);
      break;
    }
  }
  ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
  Outcome r = run({"count", "lib/die-stille-stadt.epub", "--json"});
  ASSERT_EQ(sched_setaffinity(0, sizeof original, &original), 0);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out).at("options").at("jobs"), 1);
}

}  // namespace
}  // namespace epubtok
