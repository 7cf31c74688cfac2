#include "server/multipart.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <fstream>
#include <random>
#include <sstream>

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
  // Hands out out0, out1, … in dir_.
  std::function<fs::path()> outputs() {
    return [this, n = 0]() mutable { return dir_ / ("out" + std::to_string(n++)); };
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
  while (content.size() < 300u << 10) {
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
  auto files = extract_multipart_files(in, boundary, outputs());
  ASSERT_TRUE(files) << files.status().message();
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ(files->front().file_name, "My Book.epub");
  EXPECT_EQ(files->front().path, dir_ / "out0");
  EXPECT_EQ(files->front().size, content.size());
  std::string out = read(dir_ / "out0");
  ASSERT_EQ(out.size(), content.size());
  EXPECT_TRUE(out == content);
}

TEST_F(MultipartTest, ExtractsEveryFilePartInOrder) {
  const std::string b = "sep";
  std::string body = "--" + b + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"one.epub\"\r\n\r\n" +
                     "PK first" + "\r\n--" + b + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nskip me" +
                     "\r\n--" + b +
                     "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"two.epub\"\r\n\r\n" +
                     "PK second one" + "\r\n--" + b + "--\r\n";
  auto files = extract_multipart_files(write("body", body), b, outputs());
  ASSERT_TRUE(files) << files.status().message();
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].file_name, "one.epub");
  EXPECT_EQ((*files)[1].file_name, "two.epub");
  EXPECT_EQ(read((*files)[0].path), "PK first");
  EXPECT_EQ(read((*files)[1].path), "PK second one");
  EXPECT_EQ((*files)[1].size, 13u);
}

TEST_F(MultipartTest, RejectsBodiesWithoutAFilePartOrTerminator) {
  auto no_file = write("a", "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nv\r\n--b--\r\n");
  EXPECT_EQ(extract_multipart_files(no_file, "b", outputs()).status().code(), ErrorCode::kInvalidArgument);
  auto cut = write("c", "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.epub\"\r\n\r\nPK...");
  EXPECT_EQ(extract_multipart_files(cut, "b", outputs()).status().code(), ErrorCode::kInvalidArgument);
  auto garbage = write("d", "no boundary at all");
  EXPECT_EQ(extract_multipart_files(garbage, "b", outputs()).status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace epubtok::server
