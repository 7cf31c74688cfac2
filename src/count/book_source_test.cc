#include "count/book_source.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <gtest/gtest.h>

namespace epubtok::count {
namespace {
namespace fs = std::filesystem;

TEST(Shard, ParsesKOfN) {
  auto shard = parse_shard("2/5");
  ASSERT_TRUE(shard);
  EXPECT_EQ(*shard, (Shard{2, 5}));
  for (const char* bad : {"5/5", "x", "1/0", "/3", "1/", "-1/3", "1/3/4", " 1/3", "0x1/3"}) {
    auto r = parse_shard(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(Shard, TakesSlurmArrayVariables) {
  std::map<std::string, std::string> env;
  auto getenv = [&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  EXPECT_EQ(parse_shard("slurm", getenv).status().code(), ErrorCode::kInvalidArgument);
  env = {{"SLURM_ARRAY_TASK_ID", "12"}, {"SLURM_ARRAY_TASK_MIN", "10"}, {"SLURM_ARRAY_TASK_COUNT", "4"}};
  EXPECT_EQ(*parse_shard("slurm", getenv), (Shard{2, 4}));
  env["SLURM_ARRAY_TASK_STEP"] = "2";  // --array=10-16:2 → tasks 10, 12, 14, 16
  env["SLURM_ARRAY_TASK_ID"] = "16";
  EXPECT_EQ(*parse_shard("slurm", getenv), (Shard{3, 4}));
  env["SLURM_ARRAY_TASK_ID"] = "18";
  EXPECT_FALSE(parse_shard("slurm", getenv));
  env.erase("SLURM_ARRAY_TASK_COUNT");
  EXPECT_FALSE(parse_shard("slurm", getenv));
}

TEST(Shard, IsAFixedFunctionOfTheKey) {
  // Pinned: a part written by one version must be resumable and mergeable
  // by the next, so the hash may never change.
  EXPECT_EQ(shard_of("a/b.epub", 1000003), 767035u);
  EXPECT_EQ(shard_of("", 7), 6u);  // XXH64("") = 0xEF46DB3751D8E999, the published test vector
  // Balanced: 10,000 keys over 4 shards, each within 5% of the mean.
  std::vector<int> sizes(4);
  for (int i = 0; i < 10000; ++i)
    ++sizes[shard_of("library/author-" + std::to_string(i % 97) + "/book-" + std::to_string(i) + ".epub", 4)];
  for (int n : sizes) EXPECT_NEAR(n, 2500, 125);
}

class SourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("epubtok-source-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    for (const char* f :
         {"a.epub", "b.EPUB", "notes.txt", ".hidden.epub", "sub/c.epub", "sub/deep/d.epub", ".git/e.epub"}) {
      fs::create_directories((dir_ / f).parent_path());
      std::ofstream(dir_ / f) << "x";
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::vector<std::string> drain(BookSource& source) {
    std::vector<std::string> out;
    while (auto item = source.next()) {
      out.push_back((item->failure ? "!" + item->failure->error->code + " " : "") + item->shard_key);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  fs::path dir_;
};

TEST_F(SourceTest, WalksFoldersLazilyAndSkipsHiddenOnes) {
  auto flat = BookSource::from_paths({dir_.string()}, false);
  EXPECT_EQ(drain(*flat), (std::vector<std::string>{"a.epub", "b.EPUB"}));
  auto deep =
      BookSource::from_paths({dir_.string(), (dir_ / "a.epub").string(), (dir_ / "missing.epub").string()}, true);
  EXPECT_EQ(drain(*deep), (std::vector<std::string>{"!FILE_NOT_FOUND " + (dir_ / "missing.epub").string(), "a.epub",
                                                    "b.EPUB", "sub/c.epub", "sub/deep/d.epub"}));
}

TEST_F(SourceTest, ReadsListsOfPaths) {
  fs::path list = dir_ / "list";
  std::ofstream(list) << (dir_ / "notes.txt").string() << "\r\n\n" << dir_.string() << "/sub\n";
  auto source = BookSource::from_list(list.string(), false, true);
  ASSERT_TRUE(source);
  auto items = drain(**source);
  ASSERT_EQ(items.size(), 3u);  // a named file counts whatever its name; the folder is walked
  EXPECT_EQ(items[0], (dir_ / "notes.txt").string());
  EXPECT_EQ(items[1], "c.epub");
  EXPECT_EQ(items[2], "deep/d.epub");
  auto missing = BookSource::from_list((dir_ / "no-list").string(), false, false);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.status().code(), ErrorCode::kIoError);
}

TEST_F(SourceTest, ShardsPartitionTheBooks) {
  std::multiset<std::string> all;
  for (uint32_t k = 0; k < 3; ++k) {
    auto source = BookSource::from_paths({dir_.string()}, true);
    source->set_shard({k, 3});
    for (const auto& item : drain(*source)) all.insert(item);
  }
  auto whole = BookSource::from_paths({dir_.string()}, true);
  auto expected = drain(*whole);
  EXPECT_EQ(std::vector<std::string>(all.begin(), all.end()), expected);
}

}  // namespace
}  // namespace epubtok::count
