// The claude-api tokenizers against FakeAnthropic on 127.0.0.1: what is
// sent, what is subtracted, what is cached, retried, refused and cancelled.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "support/fake_anthropic.h"
#include "tokenizers/anthropic/api_tokenizer.h"
#include "tokenizers/registry.h"

namespace epubtok::tokenizers::anthropic {
namespace {
namespace fs = std::filesystem;
using epubtok::testing::fake_text_tokens;
using epubtok::testing::FakeAnthropic;
using epubtok::testing::FakeAnthropicOptions;
using epubtok::testing::ScriptedReply;
using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

class ApiTokenizerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("epubtok-anthropic-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  ClientOptions client(const FakeAnthropic& fake) const {
    ClientOptions o;
    o.base_url = fake.base_url();
    o.api_key = "sk-ant-test-key";
    o.timeout_ms = 10'000;
    o.backoff_initial_ms = 20;
    o.backoff_max_ms = 100;
    return o;
  }

  std::shared_ptr<ApiTokenizer> tokenizer(const FakeAnthropic& fake, bool cached = false, int concurrency = 4,
                                          const std::string& model = "claude-sonnet-4-5") {
    return tokenizer_with(client(fake), cached, concurrency, model);
  }
  std::shared_ptr<ApiTokenizer> tokenizer_with(const ClientOptions& options, bool cached, int concurrency = 4,
                                               const std::string& model = "claude-sonnet-4-5") {
    TokenizerInfo info;
    info.id = "claude-api:" + model;
    std::shared_ptr<CountCache> cache = cached ? std::make_shared<CountCache>(dir_ / "cache.sqlite") : nullptr;
    return std::make_shared<ApiTokenizer>(info, model, options, cache, concurrency);
  }

  fs::path dir_;
};

std::vector<Result<TextCount>> count_all(const Tokenizer& t, const std::vector<std::string>& texts,
                                         const std::atomic<bool>* cancel = nullptr) {
  std::vector<std::string_view> views(texts.begin(), texts.end());
  return t.count_each(views, cancel);
}

TEST(FakeAnthropicTokens, OneLetterIsOneTokenAndSpacesAreFree) {
  EXPECT_EQ(fake_text_tokens("x"), 1u);
  EXPECT_EQ(fake_text_tokens("Hello, world!"), 4u);
  EXPECT_EQ(fake_text_tokens("  \n\t"), 0u);
  EXPECT_EQ(fake_text_tokens("日本"), 2u);
}

TEST_F(ApiTokenizerTest, SendsOneUserMessageWithTheDocumentedHeaders) {
  FakeAnthropic fake;
  auto t = tokenizer(fake);
  auto counts = count_all(*t, {"Call me Ishmael. \"Quoted\"\n"});
  ASSERT_TRUE(counts[0]) << counts[0].status().to_string();
  std::vector<epubtok::testing::RecordedRequest> requests = fake.requests();
  ASSERT_EQ(requests.size(), 2u);  // the framing measurement, then the text
  for (const auto& r : requests) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/v1/messages/count_tokens");
    EXPECT_EQ(r.headers.at("x-api-key"), "sk-ant-test-key");
    EXPECT_EQ(r.headers.at("anthropic-version"), "2023-06-01");
    EXPECT_EQ(r.headers.at("content-type"), "application/json");
  }
  EXPECT_EQ(boost::json::parse(requests[0].body),
            boost::json::parse(R"({"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"x"}]})"));
  EXPECT_EQ(boost::json::parse(requests[1].body),
            boost::json::parse(R"({"model":"claude-sonnet-4-5","messages":[{"role":"user",)"
                               R"("content":"Call me Ishmael. \"Quoted\"\n"}]})"));
}

TEST_F(ApiTokenizerTest, SubtractsTheFramingOverheadMeasuredOncePerModel) {
  FakeAnthropic fake;  // overhead 7 for sonnet, 9 for opus
  std::vector<std::string> texts = {"One two three.", "Ünïcödé — 日本語", "a", "Four\n\nfive six."};
  for (std::string model : {"claude-sonnet-4-5", "claude-opus-4-7"}) {
    auto t = tokenizer(fake, false, 4, model);
    auto counts = count_all(*t, texts);
    for (size_t i = 0; i < texts.size(); ++i) {
      ASSERT_TRUE(counts[i]) << counts[i].status().to_string();
      EXPECT_EQ(counts[i]->tokens, fake_text_tokens(texts[i])) << model << " " << texts[i];
      EXPECT_FALSE(counts[i]->approximate);
    }
    EXPECT_EQ(t->framing_overhead(), model == "claude-opus-4-7" ? 9u : 7u);
    auto again = count_all(*t, {"More text."});
    ASSERT_TRUE(again[0]);
    EXPECT_EQ(again[0]->tokens, 3u);
    EXPECT_EQ(t->requests_sent(), 1 + texts.size() + 1);  // one measurement only
  }
}

TEST_F(ApiTokenizerTest, EmptyTextsCostNoRequestAndBlankOnesAreMarkedApproximate) {
  FakeAnthropic fake;
  auto t = tokenizer(fake);
  auto counts = count_all(*t, {"", " \n "});
  ASSERT_TRUE(counts[0] && counts[1]);
  EXPECT_EQ(counts[0]->tokens, 0u);
  EXPECT_FALSE(counts[0]->approximate);
  EXPECT_EQ(counts[1]->tokens, 0u);
  EXPECT_TRUE(counts[1]->approximate);
  EXPECT_EQ(fake.request_count(), 0u);
}

TEST_F(ApiTokenizerTest, ASecondRunIsAnsweredFromTheCacheWithoutAnyRequest) {
  FakeAnthropic fake;
  std::vector<std::string> texts = {"First chapter.", "Second chapter, longer.", "Third."};
  auto first = count_all(*tokenizer(fake, true), texts);
  size_t after_first = fake.request_count();
  EXPECT_EQ(after_first, 1 + texts.size());
  auto second_tokenizer = tokenizer(fake, true);  // a new process would load a new one
  auto second = count_all(*second_tokenizer, texts);
  EXPECT_EQ(fake.request_count(), after_first);
  EXPECT_EQ(second_tokenizer->requests_sent(), 0u);
  EXPECT_EQ(second_tokenizer->cache_hits(), 1 + texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    ASSERT_TRUE(first[i] && second[i]);
    EXPECT_EQ(first[i]->tokens, second[i]->tokens);
  }
  // Keyed by model: another model asks again.
  count_all(*tokenizer(fake, true, 4, "claude-opus-4-7"), texts);
  EXPECT_EQ(fake.request_count(), after_first + 1 + texts.size());

  Result<CacheStats> stats = cache_stats(dir_ / "cache.sqlite");
  ASSERT_TRUE(stats) << stats.status().to_string();
  EXPECT_EQ(stats->entries, 2 * (1 + texts.size()));
  EXPECT_EQ(stats->entries_by_model.at("claude-opus-4-7"), 1 + texts.size());
  Result<uint64_t> cleared = clear_cache(dir_ / "cache.sqlite");
  ASSERT_TRUE(cleared);
  EXPECT_EQ(*cleared, 2 * (1 + texts.size()));
  EXPECT_EQ(cache_stats(dir_ / "cache.sqlite")->entries, 0u);
  EXPECT_EQ(cache_stats(dir_ / "missing.sqlite")->exists, false);
}

TEST_F(ApiTokenizerTest, TheCacheKeyIsTheSha256OfTheText) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(ApiTokenizerTest, WaitsAsLongAsRetryAfterSaysOn429) {
  FakeAnthropic fake;
  auto t = tokenizer(fake);
  ASSERT_TRUE(count_all(*t, {"warm"})[0]);  // measure the framing first
  fake.push_reply(
      {429, R"({"type":"error","error":{"type":"rate_limit_error","message":"slow down"}})", {{"retry-after", "1"}}});
  auto start = Clock::now();
  auto counts = count_all(*t, {"Rate limited once."});
  auto waited = Clock::now() - start;
  ASSERT_TRUE(counts[0]) << counts[0].status().to_string();
  EXPECT_EQ(counts[0]->tokens, fake_text_tokens("Rate limited once."));
  EXPECT_GE(waited, std::chrono::milliseconds(1000));
  EXPECT_LT(waited, std::chrono::milliseconds(3000));
  EXPECT_EQ(fake.request_count(), 4u);  // x, warm, 429, retry
}

TEST_F(ApiTokenizerTest, BacksOffExponentiallyOn529WithoutRetryAfter) {
  FakeAnthropic fake;
  ClientOptions o = client(fake);
  o.backoff_initial_ms = 200;
  o.backoff_max_ms = 10'000;
  auto t = tokenizer_with(o, false);
  ASSERT_TRUE(count_all(*t, {"warm"})[0]);
  for (int i = 0; i < 2; ++i) {
    fake.push_reply({529, R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})", {}});
  }
  auto start = Clock::now();
  auto counts = count_all(*t, {"Overloaded twice."});
  auto waited = Clock::now() - start;
  ASSERT_TRUE(counts[0]) << counts[0].status().to_string();
  // Waits in [100, 200] then [200, 400] ms: at least 300 ms in all.
  EXPECT_GE(waited, std::chrono::milliseconds(300));
  EXPECT_LT(waited, std::chrono::milliseconds(2000));
}

TEST_F(ApiTokenizerTest, GivesUpWithApiRateLimitedWhenEveryRetryIsRefused) {
  FakeAnthropic fake;
  ClientOptions o = client(fake);
  o.max_retries = 2;
  auto t = tokenizer_with(o, false);
  ASSERT_TRUE(count_all(*t, {"warm"})[0]);
  for (int i = 0; i < 3; ++i) {
    fake.push_reply(
        {429, R"({"type":"error","error":{"type":"rate_limit_error","message":"slow down"}})", {{"retry-after", "0"}}});
  }
  auto counts = count_all(*t, {"Never counted."});
  ASSERT_FALSE(counts[0]);
  EXPECT_EQ(counts[0].status().code(), ErrorCode::kApiRateLimited);
  EXPECT_THAT(counts[0].status().message(), HasSubstr("rate_limit_error: slow down on all 3 attempts"));
  EXPECT_EQ(fake.request_count(), 5u);
}

TEST_F(ApiTokenizerTest, ABadKeyIsAnApiErrorWithAnthropicsMessage) {
  FakeAnthropic fake;
  ClientOptions o = client(fake);
  o.api_key = "sk-ant-wrong";
  auto counts = count_all(*tokenizer_with(o, false), {"Some text.", "More."});
  for (const auto& c : counts) {
    ASSERT_FALSE(c);
    EXPECT_EQ(c.status().code(), ErrorCode::kApiError);
    EXPECT_THAT(c.status().message(), HasSubstr("HTTP 401 authentication_error: invalid x-api-key"));
    EXPECT_THAT(c.status().message(), HasSubstr("request-id req_fake_"));
  }
}

TEST_F(ApiTokenizerTest, AnUnknownModelIsAnApiError) {
  FakeAnthropic fake;
  auto counts = count_all(*tokenizer(fake, false, 4, "claude-nonexistent-9"), {"Text."});
  ASSERT_FALSE(counts[0]);
  EXPECT_EQ(counts[0].status().code(), ErrorCode::kApiError);
  EXPECT_THAT(counts[0].status().message(), HasSubstr("HTTP 404 not_found_error: model: claude-nonexistent-9"));
}

// A chapter over the prompt limit (400 "prompt is too long") is cut at
// paragraph boundaries until each part fits; the sum is marked approximate.
TEST_F(ApiTokenizerTest, SplitsATextTooLongForOneRequestAtParagraphs) {
  FakeAnthropicOptions options;
  options.max_prompt_tokens = 40;
  FakeAnthropic fake(options);
  std::string paragraph = "alpha beta gamma delta epsilon zeta eta theta iota kappa.\n";  // 11 tokens
  std::string text;
  for (int i = 0; i < 10; ++i) text += paragraph;
  auto t = tokenizer(fake);
  auto counts = count_all(*t, {text, "short one."});
  ASSERT_TRUE(counts[0]) << counts[0].status().to_string();
  EXPECT_EQ(counts[0]->tokens, fake_text_tokens(text));  // the fake's count is additive at line breaks
  EXPECT_TRUE(counts[0]->approximate);
  ASSERT_TRUE(counts[1]);
  EXPECT_FALSE(counts[1]->approximate);
  // Every accepted request held whole paragraphs.
  for (const auto& r : fake.requests()) {
    std::string content(boost::json::parse(r.body).at("messages").at(0).at("content").as_string());
    if (content == "x" || content == "short one.") continue;
    EXPECT_EQ(content.back(), '\n');
    EXPECT_EQ(content.size() % paragraph.size(), 0u);
  }
}

TEST_F(ApiTokenizerTest, SplitsOn413RequestTooLarge) {
  FakeAnthropicOptions options;
  options.max_body_bytes = 400;
  FakeAnthropic fake(options);
  std::string text;
  for (int i = 0; i < 20; ++i) text += "Line number " + std::to_string(i) + " of a long chapter.\n";
  auto counts = count_all(*tokenizer(fake), {text});
  ASSERT_TRUE(counts[0]) << counts[0].status().to_string();
  EXPECT_EQ(counts[0]->tokens, fake_text_tokens(text));
  EXPECT_TRUE(counts[0]->approximate);
}

TEST_F(ApiTokenizerTest, OtherBadRequestsAreNotSplit) {
  FakeAnthropic fake;
  auto t = tokenizer(fake);
  ASSERT_TRUE(count_all(*t, {"warm"})[0]);
  fake.push_reply({400, R"({"type":"error","error":{"type":"invalid_request_error","message":"messages: bad"}})", {}});
  auto counts = count_all(*t, {"one\ntwo\n"});
  ASSERT_FALSE(counts[0]);
  EXPECT_EQ(counts[0].status().code(), ErrorCode::kApiError);
  EXPECT_THAT(counts[0].status().message(), HasSubstr("HTTP 400 invalid_request_error: messages: bad"));
  EXPECT_EQ(fake.request_count(), 3u);
}

TEST_F(ApiTokenizerTest, ARequestWithNoAnswerTimesOut) {
  FakeAnthropic fake;
  ClientOptions o = client(fake);
  o.timeout_ms = 300;
  auto t = tokenizer_with(o, false);
  ASSERT_TRUE(count_all(*t, {"warm"})[0]);
  fake.set_delay(std::chrono::seconds(5));
  auto start = Clock::now();
  auto counts = count_all(*t, {"Slow."});
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(2000));
  ASSERT_FALSE(counts[0]);
  EXPECT_EQ(counts[0].status().code(), ErrorCode::kApiError);
  EXPECT_THAT(counts[0].status().message(), HasSubstr("no answer within 0.3 s (timed out)"));
}

TEST_F(ApiTokenizerTest, CancelAbortsARequestInFlightAndTheOnesNotStarted) {
  FakeAnthropic fake;
  auto t = tokenizer(fake, false, 1);
  ASSERT_TRUE(count_all(*t, {"warm"})[0]);
  fake.set_delay(std::chrono::seconds(10));
  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    while (fake.in_flight() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    cancel = true;
  });
  auto start = Clock::now();
  auto counts = count_all(*t, {"one.", "two.", "three."}, &cancel);
  auto took = Clock::now() - start;
  canceller.join();
  EXPECT_LT(took, std::chrono::milliseconds(1500));
  for (const auto& c : counts) {
    ASSERT_FALSE(c);
    EXPECT_EQ(c.status().code(), ErrorCode::kCancelled);
  }
  EXPECT_EQ(fake.request_count(), 3u);  // x, warm and the one aborted
}

TEST_F(ApiTokenizerTest, CancelAlsoEndsABackoffWait) {
  FakeAnthropic fake;
  auto t = tokenizer(fake);
  ASSERT_TRUE(count_all(*t, {"warm"})[0]);
  fake.push_reply(
      {429, R"({"type":"error","error":{"type":"rate_limit_error","message":"later"}})", {{"retry-after", "30"}}});
  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    while (fake.request_count() < 3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancel = true;
  });
  auto start = Clock::now();
  auto counts = count_all(*t, {"waiting"}, &cancel);
  canceller.join();
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(1500));
  ASSERT_FALSE(counts[0]);
  EXPECT_EQ(counts[0].status().code(), ErrorCode::kCancelled);
}

TEST_F(ApiTokenizerTest, NeverHasMoreRequestsInFlightThanItsConcurrency) {
  FakeAnthropic fake;
  auto t = tokenizer(fake, false, 3);
  fake.set_delay(std::chrono::milliseconds(60));
  std::vector<std::string> texts;
  texts.reserve(12);
  for (int i = 0; i < 12; ++i) texts.push_back("Chapter " + std::to_string(i) + ".");
  // Two callers at once (two books) share the tokenizer's three slots.
  std::vector<Result<TextCount>> a = {Status(ErrorCode::kInternal, "not run")};
  std::thread other([&] { a = count_all(*t, texts); });
  auto b = count_all(*t, texts);
  other.join();
  for (size_t i = 0; i < texts.size(); ++i) {
    ASSERT_TRUE(a[i] && b[i]);
    EXPECT_EQ(a[i]->tokens, 3u);  // "Chapter", the digits, "."
  }
  EXPECT_EQ(fake.max_in_flight(), 3);
}

TEST(ApiProvider, ResolvesIdsAndFamilyAliasesAndListsThemAsApi) {
  auto provider = make_api_provider();
  EXPECT_EQ(provider->resolve("claude-api:claude-sonnet-4-5"), "claude-api:claude-sonnet-4-5");
  EXPECT_EQ(provider->resolve("Claude-API:Sonnet"), "claude-api:claude-sonnet-4-5");
  EXPECT_EQ(provider->resolve("claude-api:opus"), "claude-api:claude-opus-4-7");
  EXPECT_EQ(provider->resolve("claude-api:"), std::nullopt);
  EXPECT_EQ(provider->resolve("claude-api:bad model"), std::nullopt);
  EXPECT_EQ(provider->resolve("claude"), std::nullopt);
  std::vector<TokenizerInfo> listed = provider->list();
  ASSERT_FALSE(listed.empty());
  for (const auto& info : listed) {
    EXPECT_THAT(info.name, HasSubstr("via Anthropic API"));
    EXPECT_EQ(info.exactness, Exactness::kApi);
    EXPECT_TRUE(info.remote);
    EXPECT_FALSE(info.exactness_reason.empty());
  }
}

TEST(ApiProvider, LoadingWithoutAKeyFailsWithApiKeyMissing) {
  const char* saved = std::getenv("ANTHROPIC_API_KEY");
  std::string restore = saved ? saved : "";
  ::unsetenv("ANTHROPIC_API_KEY");
  auto loaded = make_api_provider()->load("claude-api:claude-sonnet-4-5");
  if (saved) ::setenv("ANTHROPIC_API_KEY", restore.c_str(), 1);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.status().code(), ErrorCode::kApiKeyMissing);
  EXPECT_THAT(loaded.status().message(), HasSubstr("ANTHROPIC_API_KEY"));
}

TEST(ApiProvider, TheGlobalRegistryKnowsTheApiIds) {
  Result<std::string> id = Registry::global().canonical_id("claude-api:haiku");
  ASSERT_TRUE(id);
  EXPECT_EQ(*id, "claude-api:claude-haiku-4-5");
}

}  // namespace
}  // namespace epubtok::tokenizers::anthropic
