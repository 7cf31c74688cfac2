#include "server/static_files.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <fstream>

namespace epubtok::server {
namespace {
namespace fs = std::filesystem;
namespace http = boost::beast::http;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("epubtok_static_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "web" / "assets");
    std::ofstream(root_ / "web" / "index.html") << "<html>app</html>";
    std::ofstream(root_ / "web" / "assets" / "index-3f2a.js") << "console.log(1)";
    std::ofstream(root_ / "web" / "favicon.svg") << "<svg/>";
    std::ofstream(root_ / "secret.txt") << "top secret";
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(StaticFilesTest, ServesFilesWithTypesAndCacheHeaders) {
  auto js = serve_static(root_ / "web", "/assets/index-3f2a.js", 11, true, false);
  EXPECT_EQ(js.result(), http::status::ok);
  EXPECT_EQ(js.body(), "console.log(1)");
  EXPECT_EQ(js[http::field::content_type], "text/javascript; charset=utf-8");
  EXPECT_EQ(js[http::field::cache_control], "public, max-age=31536000, immutable");
  auto svg = serve_static(root_ / "web", "/favicon.svg", 11, true, false);
  EXPECT_EQ(svg[http::field::content_type], "image/svg+xml");
  EXPECT_EQ(svg[http::field::cache_control], "no-cache");
  auto index = serve_static(root_ / "web", "/", 11, true, false);
  EXPECT_EQ(index.body(), "<html>app</html>");
  EXPECT_EQ(index[http::field::cache_control], "no-cache");
}

TEST_F(StaticFilesTest, SpaFallbackOnlyForRoutes) {
  auto route = serve_static(root_ / "web", "/jobs/abc123", 11, true, false);
  EXPECT_EQ(route.result(), http::status::ok);
  EXPECT_EQ(route.body(), "<html>app</html>");
  EXPECT_EQ(serve_static(root_ / "web", "/assets/missing.js", 11, true, false).result(), http::status::not_found);
  auto traversal = serve_static(root_ / "web", "/../secret.txt", 11, true, false);
  EXPECT_EQ(traversal.result(), http::status::not_found);
  EXPECT_EQ(traversal.body().find("secret"), std::string::npos);
}

TEST_F(StaticFilesTest, HeadKeepsLengthWithoutBody) {
  auto head = serve_static(root_ / "web", "/favicon.svg", 11, true, true);
  EXPECT_TRUE(head.body().empty());
  EXPECT_EQ(head[http::field::content_length], "6");
}

TEST_F(StaticFilesTest, NotBuiltPage) {
  auto res = serve_static(root_ / "nothing", "/", 11, true, false);
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_NE(res.body().find("not built"), std::string::npos);
  EXPECT_EQ(serve_static(root_ / "nothing", "/jobs/x", 11, true, false).result(), http::status::ok);
}

}  // namespace
}  // namespace epubtok::server
