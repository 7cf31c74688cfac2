// `epubtok serve` with claude-api:* jobs, the real binary against
// FakeAnthropic on 127.0.0.1: counts, the cache, a missing key, and cancel
// while a request is in flight (the server keeps answering meanwhile).
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "integration/test_client.h"
#include "support/epub_builder.h"
#include "support/fake_anthropic.h"

namespace epubtok::itest {
namespace {
namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;
using testing::fake_text_tokens;
using testing::FakeAnthropic;

constexpr const char* kModel = "claude-api:claude-sonnet-4-5";

// Sets environment variables for the server processes this test starts and
// restores them afterwards.
class ScopedEnv {
 public:
  void set(const std::string& name, const std::string& value) {
    const char* old = std::getenv(name.c_str());
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    if (value.empty()) {
      ::unsetenv(name.c_str());
    } else {
      ::setenv(name.c_str(), value.c_str(), 1);
    }
  }
  ~ScopedEnv() {
    // Newest first, so a variable set twice ends with its first old value.
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      const auto& [name, value] = *it;
      if (value) {
        ::setenv(name.c_str(), value->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

class ClaudeApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("epubtok_claude_api_itest_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    fs::create_directories(base_ / "lib");
    env_.set("ANTHROPIC_BASE_URL", fake_.base_url());
    env_.set("ANTHROPIC_API_KEY", "sk-ant-test-key");
    env_.set("XDG_CACHE_HOME", (base_ / "cache").string());
    for (int i = 0; i < 2; ++i) {
      testing::EpubSpec spec;
      spec.metadata.title = "Book " + std::to_string(i);
      spec.chapters = {testing::make_chapter("one.xhtml", "One", {"First chapter of book " + std::to_string(i) + "."}),
                       testing::make_chapter("two.xhtml", "Two",
                                             {"Second chapter of book " + std::to_string(i) + ", a little longer."})};
      ASSERT_TRUE(testing::write_file((base_ / "lib" / ("book" + std::to_string(i) + ".epub")).string(),
                                      testing::build_epub(spec)));
    }
  }
  void TearDown() override { fs::remove_all(base_); }

  std::vector<std::string> args(std::vector<std::string> extra = {}) {
    std::vector<std::string> a = {"--library",  (base_ / "lib").string(), "--data-dir", (base_ / "data").string(),
                                  "--web-root", (base_ / "web").string()};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  static std::string submit(uint16_t port) {
    auto r = http(port, "POST", "/api/jobs",
                  json::serialize(json::object{{"paths", json::array{"."}}, {"tokenizers", json::array{kModel}}}),
                  {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 202) << r.body;
    return r.status == 202 ? std::string(r.json().at("job_id").as_string()) : "";
  }

  FakeAnthropic fake_;
  ScopedEnv env_;
  fs::path base_;
};

TEST_F(ClaudeApiServerTest, CountsAJobAndASecondJobMakesNoRequest) {
  ServerProcess server(args());
  auto models = http(server.port(), "GET", "/api/models");
  ASSERT_EQ(models.status, 200);
  bool listed = false;
  const json::value listed_models = models.json();
  for (const json::value& m : listed_models.at("models").as_array()) {
    if (m.at("id") == kModel) listed = m.at("exactness") == "api" && m.at("remote") == true;
  }
  EXPECT_TRUE(listed);

  std::string id = submit(server.port());
  json::value job = wait_for_status(server.port(), id, "completed", 30s);
  const json::array& rows = job.at("results").at("results").as_array();
  ASSERT_EQ(rows.size(), 2u);
  for (const json::value& row : rows) {
    ASSERT_EQ(row.at("status"), "ok") << json::serialize(row);
    uint64_t sum = 0;
    for (const json::value& chapter : row.at("chapters").as_array()) {
      sum += chapter.at("token_counts").at(kModel).to_number<uint64_t>();
    }
    EXPECT_EQ(row.at("token_counts").at(kModel).to_number<uint64_t>(), sum);
    EXPECT_GT(sum, fake_text_tokens("First chapter of book 0. Second chapter of book 0, a little longer."));
  }
  EXPECT_EQ(job.at("results").at("options").at("tokenizer_exactness").at(kModel).at("exactness"), "api");
  size_t requests = fake_.request_count();
  EXPECT_EQ(requests, 1u + 4u);
  std::string again = submit(server.port());
  json::value second = wait_for_status(server.port(), again, "completed", 30s);
  EXPECT_EQ(fake_.request_count(), requests);
  EXPECT_EQ(second.at("summary").at("token_counts"), job.at("summary").at("token_counts"));
}

TEST_F(ClaudeApiServerTest, WithoutAKeyTheJobFailsBeforeReadingAnything) {
  env_.set("ANTHROPIC_API_KEY", "");
  ServerProcess server(args());
  std::string id = submit(server.port());
  json::value job = wait_for_status(server.port(), id, "failed", 30s);
  EXPECT_EQ(job.at("error").at("code"), "API_KEY_MISSING") << json::serialize(job);
  EXPECT_EQ(fake_.request_count(), 0u);
}

TEST_F(ClaudeApiServerTest, CancelAbortsTheRequestInFlightAndTheServerKeepsAnswering) {
  fake_.set_delay(60s);
  ServerProcess server(args({"-j", "1", "--heartbeat-ms", "200"}));
  std::string id = submit(server.port());
  SseClient sse(server.port(), "/api/jobs/" + id + "/events");
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (fake_.in_flight() == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  ASSERT_GT(fake_.in_flight(), 0) << "no request reached the fake server";

  // While the request waits: the API answers at once, and the job's event
  // stream keeps flowing (heartbeats, the book in progress).
  for (int i = 0; i < 3; ++i) {
    auto start = std::chrono::steady_clock::now();
    auto health = http(server.port(), "GET", "/api/health");
    EXPECT_EQ(health.status, 200);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
    std::this_thread::sleep_for(200ms);
  }
  auto running = http(server.port(), "GET", "/api/jobs/" + id);
  EXPECT_EQ(running.json().at("status"), "running");
  // Read the stream for a while: events and heartbeats (comments, kept in raw()).
  for (auto until = std::chrono::steady_clock::now() + 1500ms; std::chrono::steady_clock::now() < until;) {
    (void)sse.next(200ms);
  }
  EXPECT_NE(sse.raw().find(": heartbeat"), std::string::npos) << "no heartbeat while the request waits: " << sse.raw();

  auto start = std::chrono::steady_clock::now();
  auto cancel = http(server.port(), "POST", "/api/jobs/" + id + "/cancel");
  ASSERT_EQ(cancel.status, 200) << cancel.body;
  json::value job = wait_for_status(server.port(), id, "cancelled", 10s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);  // the fake would have answered after 60 s
  // Nothing more is sent once cancelled (the fake's handler is still asleep).
  size_t sent = fake_.request_count();
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(fake_.request_count(), sent);
  for (const json::value& row : job.at("results").at("results").as_array()) {
    EXPECT_EQ(row.at("error").at("code"), "CANCELLED") << json::serialize(row);
  }
}

}  // namespace
}  // namespace epubtok::itest
