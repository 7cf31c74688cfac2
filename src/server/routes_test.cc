#include "server/routes.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <string>

#include "support/source_dir.h"

namespace epubtok::server {
namespace {

TEST(Routes, MatchesMethodsPatternsAndIds) {
  auto m = match_route(http::verb::get, "/api/jobs/abc123/events");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/jobs/{id}/events");
  EXPECT_EQ(m.route->kind, RouteKind::kSse);
  EXPECT_EQ(m.id, "abc123");

  // HEAD is answered by GET routes.
  m = match_route(http::verb::head, "/api/health");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->method, http::verb::get);

  m = match_route(http::verb::delete_, "/api/jobs/x");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/jobs/{id}");
  EXPECT_EQ(m.route->method, http::verb::delete_);
}

TEST(Routes, WrongMethodListsThePathsMethodsInTableOrder) {
  auto m = match_route(http::verb::put, "/api/jobs");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allow, "GET, POST");
  m = match_route(http::verb::post, "/api/jobs/x");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allow, "GET, DELETE");
  m = match_route(http::verb::get, "/api/uploads");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allow, "POST");
}

TEST(Routes, UnknownPathsAndMalformedIdsMatchNothing) {
  for (const char* path : {"/api", "/api/", "/api/nope", "/api/jobs/", "/api/jobs/a/b", "/api/jobs//cancel",
                           "/api/jobs/a/", "/api/sse/", "/api/sse/a/b", "/api/jobs/a/results.xml"}) {
    auto m = match_route(http::verb::get, path);
    EXPECT_EQ(m.route, nullptr) << path;
    EXPECT_EQ(m.allow, "") << path;
  }
}

TEST(Routes, SessionLearnsKindAndBodyLimitFromTheTable) {
  auto upload = match_route(http::verb::post, "/api/uploads");
  ASSERT_NE(upload.route, nullptr);
  EXPECT_EQ(upload.route->kind, RouteKind::kUpload);
  // The validate endpoint's larger limit applies whatever the method (the
  // body is read before the 405).
  EXPECT_EQ(match_route(http::verb::post, "/api/results/validate").limit, BodyLimit::kValidate);
  EXPECT_EQ(match_route(http::verb::get, "/api/results/validate").limit, BodyLimit::kValidate);
  EXPECT_EQ(match_route(http::verb::post, "/api/jobs").limit, BodyLimit::kJson);
  EXPECT_EQ(match_route(http::verb::get, "/api/nope").limit, BodyLimit::kJson);
}

TEST(Routes, EveryHandlerIsSetExceptUploads) {
  for (const Route& r : api_routes()) {
    EXPECT_EQ(r.handler == nullptr, r.kind == RouteKind::kUpload) << r.pattern;
  }
}

// The table and docs/openapi.yaml list the same operations. The spec's
// paths are read line by line (a path at two spaces, its operations at four)
// — enough for this file's layout, no YAML library needed.
TEST(Routes, TableListsExactlyTheOperationsOfTheOpenApiSpec) {
  std::ifstream in(testing::source_dir() / "docs" / "openapi.yaml");
  ASSERT_TRUE(in) << "docs/openapi.yaml not found under " << testing::source_dir();
  std::set<std::string> spec, table;
  const std::regex path_line(R"(^  (/api[^:]*):\s*$)");
  const std::regex op_line(R"(^    (get|post|delete|put|patch):\s*$)");
  const std::regex param(R"(\{[^}]+\})");
  std::string line, path;
  bool in_paths = false;
  while (std::getline(in, line)) {
    if (line == "paths:") {
      in_paths = true;
      continue;
    }
    if (in_paths && !line.empty() && line[0] != ' ') break;  // the next top-level key
    std::smatch m;
    if (std::regex_match(line, m, path_line)) {
      path = std::regex_replace(m[1].str(), param, "{id}");
    } else if (!path.empty() && std::regex_match(line, m, op_line)) {
      std::string method = m[1].str();
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      spec.insert(method + " " + path);
    }
  }
  for (const Route& r : api_routes())
    table.insert(std::string(http::to_string(r.method)) + " " + std::string(r.pattern));
  EXPECT_EQ(table, spec);
}

}  // namespace
}  // namespace epubtok::server
