#include "server/path_policy.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <fstream>

#include "server/upload_area.h"

namespace epubtok::server {
namespace {
namespace fs = std::filesystem;

TEST(PathWithin, ComparesWholeComponents) {
  EXPECT_TRUE(path_within("/lib/books/a.epub", "/lib/books"));
  EXPECT_TRUE(path_within("/lib/books", "/lib/books"));
  EXPECT_TRUE(path_within("/lib/books/x", "/lib/books/"));
  EXPECT_FALSE(path_within("/lib/books2/a.epub", "/lib/books"));
  EXPECT_FALSE(path_within("/lib", "/lib/books"));
}

class PathPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("epubtok_policy_" + std::to_string(::getpid()));
    fs::remove_all(base_);
    fs::create_directories(base_ / "lib" / "sub");
    fs::create_directories(base_ / "outside");
    fs::create_directories(base_ / "uploads");
    std::ofstream(base_ / "lib" / "a.epub") << "PK";
    std::ofstream(base_ / "outside" / "secret.epub") << "PK";
    fs::create_symlink(base_ / "outside", base_ / "lib" / "escape");
    fs::create_symlink(base_ / "lib" / "sub", base_ / "lib" / "inner");
  }
  void TearDown() override { fs::remove_all(base_); }
  PathPolicy policy() { return PathPolicy({base_ / "lib"}, base_ / "uploads"); }
  fs::path base_;
};

TEST_F(PathPolicyTest, AcceptsPathsInsideTheRoot) {
  auto p = policy();
  auto abs = p.resolve((base_ / "lib" / "a.epub").string());
  ASSERT_TRUE(abs) << abs.status().message();
  EXPECT_EQ(*abs, fs::canonical(base_ / "lib" / "a.epub").string());
  auto rel = p.resolve("a.epub");
  ASSERT_TRUE(rel);
  EXPECT_EQ(*rel, *abs);
  auto folder = p.resolve("sub");
  ASSERT_TRUE(folder);
  // A symlink that stays inside the root is fine.
  auto inner = p.resolve("inner");
  ASSERT_TRUE(inner);
  EXPECT_EQ(*inner, fs::canonical(base_ / "lib" / "sub").string());
  // Not existing yet, but inside: the job will report FILE_NOT_FOUND.
  EXPECT_TRUE(p.resolve("later.epub"));
}

TEST_F(PathPolicyTest, RefusesTraversalHomeNulAndEscapes) {
  auto p = policy();
  struct Case {
    std::string input;
    ErrorCode code;
  } cases[] = {
      {"", ErrorCode::kInvalidPath},
      {"../outside/secret.epub", ErrorCode::kInvalidPath},
      {"sub/../../outside", ErrorCode::kInvalidPath},
      {(base_ / "lib" / ".." / "outside").string(), ErrorCode::kInvalidPath},
      {"~/books", ErrorCode::kInvalidPath},
      {std::string("a.epub\0x", 8), ErrorCode::kInvalidPath},
      {(base_ / "outside" / "secret.epub").string(), ErrorCode::kPathOutsideLibrary},
      {"/etc/passwd", ErrorCode::kPathOutsideLibrary},
      {"escape/secret.epub", ErrorCode::kPathOutsideLibrary},
      {"escape", ErrorCode::kPathOutsideLibrary},
      {"upload:up_0000000000000000", ErrorCode::kInvalidPath},
  };
  for (const auto& c : cases) {
    auto r = p.resolve(c.input);
    ASSERT_FALSE(r) << c.input;
    EXPECT_EQ(r.status().code(), c.code) << c.input << ": " << r.status().message();
    // Messages never carry file contents.
    EXPECT_EQ(r.status().message().find("PK"), std::string::npos);
  }
}

TEST_F(PathPolicyTest, ResolvesUploadIdsAndChecksScannedBooks) {
  fs::create_directories(base_ / "uploads" / "up_0123456789abcdef");
  std::ofstream(base_ / "uploads" / "up_0123456789abcdef" / "book.epub") << "PK";
  auto p = policy();
  auto r = p.resolve("upload:up_0123456789abcdef");
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(fs::path(*r).filename(), "book.epub");
  EXPECT_TRUE(p.resolve("up_0123456789abcdef"));
  EXPECT_TRUE(p.check_inside((base_ / "lib" / "a.epub").string()));
  EXPECT_EQ(p.check_inside((base_ / "lib" / "escape" / "secret.epub").string()).code(), ErrorCode::kPathOutsideLibrary);
}

TEST(UploadNames, Sanitised) {
  EXPECT_EQ(sanitize_upload_name("My Book.epub"), "My Book.epub");
  EXPECT_EQ(sanitize_upload_name("../../etc/passwd"), "passwd.epub");
  EXPECT_EQ(sanitize_upload_name("a\\b\\c.EPUB"), "c.EPUB.epub");
  EXPECT_EQ(sanitize_upload_name(""), "upload.epub");
  EXPECT_EQ(sanitize_upload_name("x;rm -rf.epub"), "x_rm -rf.epub");
  EXPECT_EQ(sanitize_upload_name(".hidden.epub"), "hidden.epub");
  EXPECT_EQ(parse_upload_id("upload:up_0123456789abcdef"), "up_0123456789abcdef");
  EXPECT_FALSE(parse_upload_id("up_0123"));
  EXPECT_FALSE(parse_upload_id("books/up_0123456789abcdef"));
}

}  // namespace
}  // namespace epubtok::server
