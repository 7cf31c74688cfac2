// `epubtok count|tokens|models|cache` with claude-api:* tokenizers, the real
// binary against FakeAnthropic on 127.0.0.1 (never the real service): what
// is sent, what the rows say, the cache, the key, retries and timeouts.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "cli_harness.h"
#include "support/epub_builder.h"
#include "support/fake_anthropic.h"

namespace epubtok {
namespace {
namespace fs = std::filesystem;
namespace json = boost::json;
using testing::fake_text_tokens;
using testing::FakeAnthropic;
using ::testing::HasSubstr;
using ::testing::Not;

class ClaudeApiCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("epubtok-claude-api-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "epubs");
    env_ = {{"ANTHROPIC_BASE_URL", fake_.base_url()},
            {"ANTHROPIC_API_KEY", "sk-ant-test-key"},
            {"XDG_CACHE_HOME", (dir_ / "cache").string()}};
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs epubtok in dir_ with env_ applied (an empty value unsets).
  Outcome run(const std::vector<std::string>& args, const std::string& input = "") {
    return epubtok(args, dir_, input, env_);
  }

  void put_book(const std::string& name, const std::string& title, const std::vector<std::string>& paragraphs) {
    testing::EpubSpec spec;
    spec.metadata.title = title;
    spec.chapters = {testing::make_chapter("one.xhtml", "One", {paragraphs[0]}),
                     testing::make_chapter("two.xhtml", "Two", {paragraphs[1]})};
    ASSERT_TRUE(testing::write_file((dir_ / "epubs" / name).string(), testing::build_epub(spec)));
  }

  // The fake's count of chapter `index` of `book`, from `epubtok text`.
  uint64_t expected_chapter_tokens(const std::string& book, int index) {
    Outcome text = run({"text", book, "--chapter", std::to_string(index)});
    EXPECT_EQ(text.exit_code, 0) << text.err;
    return fake_text_tokens(text.out);
  }

  FakeAnthropic fake_;
  fs::path dir_;
  std::map<std::string, std::string> env_;
};

constexpr const char* kModel = "claude-api:claude-sonnet-4-5";

TEST_F(ClaudeApiCliTest, CountsEachChapterAndSumsThemIntoTheBook) {
  put_book("a.epub", "Book A", {"It was a bright cold day in April.", "The clocks were striking thirteen!"});
  put_book("b.epub", "Book B", {"Call me Ishmael.", "Some years ago — never mind how long precisely."});
  Outcome r = run({"count", "--json", "-t", std::string(kModel) + ",o200k_base", "epubs"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("the text is sent to Anthropic (" + fake_.base_url() + ")"));
  EXPECT_EQ(r.err.find("sent to Anthropic"), r.err.rfind("sent to Anthropic"));  // said once
  json::value doc = json::parse(r.out);
  EXPECT_EQ(doc.at("options").at("tokenizers"), json::parse(R"(["claude-api:claude-sonnet-4-5","o200k_base"])"));
  for (const json::value& row : doc.at("results").as_array()) {
    std::string path(row.at("file_path").as_string());
    uint64_t sum = 0;
    for (const json::value& chapter : row.at("chapters").as_array()) {
      uint64_t expected = expected_chapter_tokens(path, int(chapter.at("index").as_int64()));
      EXPECT_GT(expected, 0u);
      EXPECT_EQ(chapter.at("token_counts").at(kModel).to_number<uint64_t>(), expected) << path;
      sum += expected;
    }
    EXPECT_EQ(row.at("token_counts").at(kModel).to_number<uint64_t>(), sum) << path;
  }
  // One framing measurement and one request per chapter; each request is one
  // user message holding exactly one chapter's text.
  std::vector<testing::RecordedRequest> requests = fake_.requests();
  ASSERT_EQ(requests.size(), 1u + 4u);
  for (const auto& req : requests) {
    EXPECT_EQ(req.headers.at("anthropic-version"), "2023-06-01");
    EXPECT_EQ(req.headers.at("x-api-key"), "sk-ant-test-key");
    json::value body = json::parse(req.body);
    EXPECT_EQ(body.at("model"), "claude-sonnet-4-5");
    EXPECT_EQ(body.at("messages").as_array().size(), 1u);
    EXPECT_EQ(body.at("messages").at(0).at("role"), "user");
  }
}

TEST_F(ClaudeApiCliTest, ASecondRunIsServedFromTheCacheAndNoCacheAsksAgain) {
  put_book("a.epub", "Book A", {"First chapter text.", "Second chapter text."});
  Outcome first = run({"count", "--json", "-t", kModel, "epubs"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  size_t requests = fake_.request_count();
  EXPECT_EQ(requests, 3u);
  Outcome second = run({"count", "--json", "-t", kModel, "epubs"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(fake_.request_count(), requests);  // zero requests
  auto counts = [](const std::string& out) { return json::parse(out).at("results").at(0).at("token_counts"); };
  EXPECT_EQ(counts(first.out), counts(second.out));

  Outcome stats = run({"cache", "stats"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_THAT(stats.out, HasSubstr((dir_ / "cache" / "epubtok" / "api-token-counts.sqlite").string()));
  EXPECT_THAT(stats.out, HasSubstr("entries: 3"));
  EXPECT_THAT(stats.out, HasSubstr("claude-sonnet-4-5"));

  Outcome uncached = run({"count", "--json", "--no-cache", "-t", kModel, "epubs"});
  ASSERT_EQ(uncached.exit_code, 0) << uncached.err;
  EXPECT_EQ(fake_.request_count(), 2 * requests);
  EXPECT_EQ(counts(uncached.out), counts(first.out));

  Outcome cleared = run({"cache", "clear"});
  ASSERT_EQ(cleared.exit_code, 0) << cleared.err;
  EXPECT_THAT(cleared.out, HasSubstr("removed 3 cached counts"));
  ASSERT_EQ(run({"count", "--json", "-t", kModel, "epubs"}).exit_code, 0);
  EXPECT_EQ(fake_.request_count(), 3 * requests);
}

TEST_F(ClaudeApiCliTest, WithoutAKeyNothingIsReadOrSent) {
  put_book("a.epub", "Book A", {"Text.", "More text."});
  env_["ANTHROPIC_API_KEY"] = "";
  Outcome r = run({"count", "-t", kModel, "epubs"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("API_KEY_MISSING"));
  EXPECT_THAT(r.err, HasSubstr("ANTHROPIC_API_KEY"));
  EXPECT_FALSE(fs::exists(dir_ / "results"));
  EXPECT_EQ(fake_.request_count(), 0u);
  Outcome tokens = run({"tokens", "-t", kModel}, "some text");
  EXPECT_EQ(tokens.exit_code, 2);
  EXPECT_THAT(tokens.err, HasSubstr("API_KEY_MISSING"));
  EXPECT_EQ(fake_.request_count(), 0u);
}

TEST_F(ClaudeApiCliTest, ABadKeyFailsEachBookWithApiErrorAndAnthropicsMessage) {
  put_book("a.epub", "Book A", {"Text.", "More text."});
  put_book("b.epub", "Book B", {"Other.", "Words."});
  env_["ANTHROPIC_API_KEY"] = "sk-ant-wrong";
  Outcome r = run({"count", "-t", std::string(kModel) + ",o200k_base", "epubs"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  std::string log = slurp(dir_ / "results" / "errors.log");
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 2) << log;
  EXPECT_THAT(log, HasSubstr("API_ERROR"));
  EXPECT_THAT(log, HasSubstr("authentication_error: invalid x-api-key"));
  json::value doc = json::parse(slurp(dir_ / "results" / "results.json"));
  for (const json::value& row : doc.at("results").as_array()) {
    EXPECT_EQ(row.at("status"), "error");
    EXPECT_EQ(row.at("error").at("code"), "API_ERROR");
  }
}

TEST_F(ClaudeApiCliTest, RetriesAfterWhatRetryAfterSays) {
  put_book("a.epub", "Book A", {"Text.", "More text."});
  fake_.push_reply(
      {429, R"({"type":"error","error":{"type":"rate_limit_error","message":"slow down"}})", {{"retry-after", "1"}}});
  auto start = std::chrono::steady_clock::now();
  Outcome r = run({"count", "--json", "-t", kModel, "epubs"});
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(fake_.request_count(), 4u);  // the 429, then x and two chapters
}

TEST_F(ClaudeApiCliTest, ATimedOutRequestFailsTheBookNotTheRun) {
  put_book("a.epub", "Book A", {"Text.", "More text."});
  fake_.set_delay(std::chrono::seconds(5));
  auto start = std::chrono::steady_clock::now();
  Outcome r = run({"count", "--json", "--api-timeout", "0.3", "-t", kModel + std::string(",o200k_base"), "epubs"});
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  json::value row = json::parse(r.out).at("results").at(0);
  EXPECT_EQ(row.at("error").at("code"), "API_ERROR");
  EXPECT_THAT(std::string(row.at("error").at("message").as_string()), HasSubstr("timed out"));
}

TEST_F(ClaudeApiCliTest, AChapterTooLongForOneRequestIsCountedInPartsAndMarked) {
  std::string long_paragraph;
  for (int i = 0; i < 40; ++i) long_paragraph += "word" + std::to_string(i) + " ";
  testing::EpubSpec spec;
  spec.metadata.title = "Long";
  std::vector<std::string> paragraphs(30, long_paragraph);  // 30 lines of 40 words
  spec.chapters = {testing::make_chapter("one.xhtml", "One", paragraphs),
                   testing::make_chapter("two.xhtml", "Two", {"Short."})};
  ASSERT_TRUE(testing::write_file((dir_ / "epubs" / "long.epub").string(), testing::build_epub(spec)));
  // The fake's prompt limit is 200,000 tokens; this chapter has 1,200 words.
  // A fake with a small limit stands in for a chapter of a real book.
  FakeAnthropic small({.max_prompt_tokens = 300});
  env_["ANTHROPIC_BASE_URL"] = small.base_url();
  Outcome r = run({"count", "--json", "-t", kModel, "epubs"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json::value row = json::parse(r.out).at("results").at(0);
  uint64_t expected0 = expected_chapter_tokens("epubs/long.epub", 0);
  EXPECT_EQ(row.at("chapters").at(0).at("token_counts").at(kModel).to_number<uint64_t>(), expected0);
  EXPECT_EQ(row.at("chapters").at(0).at("approximate_token_counts"),
            json::parse(R"(["claude-api:claude-sonnet-4-5"])"));
  EXPECT_FALSE(row.at("chapters").at(1).as_object().contains("approximate_token_counts"));
  EXPECT_EQ(row.at("approximate_token_counts"), json::parse(R"(["claude-api:claude-sonnet-4-5"])"));
}

TEST_F(ClaudeApiCliTest, TokensSendsTheTextAndRefusesIds) {
  Outcome r = run({"tokens", "-t", kModel}, "Hello, world! Again.");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, std::to_string(fake_text_tokens("Hello, world! Again.")) + "\n");
  EXPECT_THAT(r.err, HasSubstr("sent to Anthropic"));
  Outcome ids = run({"tokens", "--ids", "-t", kModel}, "Hello");
  EXPECT_EQ(ids.exit_code, 2);
  EXPECT_THAT(ids.err, HasSubstr("counts only"));
}

TEST_F(ClaudeApiCliTest, ModelsListsTheApiTokenizersAndEveryExactness) {
  Outcome table = run({"models"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("claude-api:claude-sonnet-4-5"));
  EXPECT_THAT(table.out, HasSubstr("via Anthropic API"));
  Outcome listed = run({"models", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  std::map<std::string, std::string> exactness;
  const json::value models = json::parse(listed.out);
  for (const json::value& m : models.as_array()) {
    exactness[std::string(m.at("id").as_string())] = std::string(m.at("exactness").as_string());
    EXPECT_FALSE(m.at("exactness_reason").as_string().empty()) << m.at("id");
  }
  EXPECT_EQ(exactness["claude-api:claude-sonnet-4-5"], "api");
  EXPECT_EQ(exactness["claude"], "approximate");
  EXPECT_EQ(exactness["o200k_base"], "exact");
  EXPECT_EQ(exactness["gemma-3"], "exact");
  EXPECT_EQ(exactness["gemini"], "exact-local-tokenizer");
  EXPECT_EQ(fake_.request_count(), 0u);  // listing sends nothing
}

}  // namespace
}  // namespace epubtok
