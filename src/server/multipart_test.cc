#include "server/multipart.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <unistd.h>

namespace epubtok::server {
namespace {
namespace fs = std::filesystem;

class MultipartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("epubtok_multipart_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& name, const std::string& data) {
    std::ofstream(dir_ / name, std::ios::binary) << data;
    return dir_ / name;
  }
  std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  fs::path dir_;
};

TEST(MultipartBoundary, ParsesQuotedAndPlain) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=abc123"), "abc123");
  EXPECT_EQ(multipart_boundary("Multipart/Form-Data; charset=x; boundary=\"a b\""), "a b");
  EXPECT_FALSE(multipart_boundary("application/epub+zip"));
  EXPECT_FALSE(multipart_boundary("multipart/form-data"));
}

TEST_F(MultipartTest, ExtractsTheFilePartAcrossChunkBoundaries) {
  // 300 KB of random bytes, salted with near-delimiters ("\r\n--XyZ" without
  // the full boundary) so a scanner that matches prefixes would cut early.
  std::mt19937 rng(7);
  std::string content;
  while (content.size() < 300 * 1024) {
    content += static_cast<char>(rng() & 0xff);
    if (rng() % 5000 == 0) content += "\r\n--XyZboundar";
  }
  const std::string boundary = "XyZboundary42";
  std::string body = "preamble to ignore\r\n--" + boundary +
                     "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--" + boundary +
                     "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"My Book.epub\"\r\n"
                     "Content-Type: application/epub+zip\r\n\r\n" +
                     content + "\r\n--" + boundary + "--\r\n";
  auto in = write("body", body);
  std::string name;
  ASSERT_TRUE(extract_multipart_file(in, boundary, dir_ / "out", &name));
  EXPECT_EQ(name, "My Book.epub");
  std::string out = read(dir_ / "out");
  ASSERT_EQ(out.size(), content.size());
  EXPECT_TRUE(out == content);
}

TEST_F(MultipartTest, RejectsBodiesWithoutAFilePartOrTerminator) {
  std::string name;
  auto no_file = write("a", "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nv\r\n--b--\r\n");
  EXPECT_EQ(extract_multipart_file(no_file, "b", dir_ / "o1", &name).code(), ErrorCode::kInvalidArgument);
  auto cut = write("c", "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.epub\"\r\n\r\nPK...");
  EXPECT_EQ(extract_multipart_file(cut, "b", dir_ / "o2", &name).code(), ErrorCode::kInvalidArgument);
  auto garbage = write("d", "no boundary at all");
  EXPECT_EQ(extract_multipart_file(garbage, "b", dir_ / "o3", &name).code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace epubtok::server
