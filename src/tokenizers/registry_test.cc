// Registry: name resolution, caching, and loading in parallel without
// loading any id twice.
#include "tokenizers/registry.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <set>
#include <thread>

namespace epubtok::tokenizers {
namespace {

class FakeTokenizer : public Tokenizer {
 public:
  explicit FakeTokenizer(std::string id) { info_.id = std::move(id); }
  const TokenizerInfo& info() const override { return info_; }
  uint64_t count(std::string_view text) const override { return text.size(); }
  std::vector<uint32_t> encode(std::string_view text) const override { return std::vector<uint32_t>(text.size()); }

 private:
  TokenizerInfo info_;
};

// Owns ids "a", "b" and "broken" (alias "A" for "a"). Each load of "a" or "b"
// waits until both have started, so a registry that loads one at a time
// would time out, and counts its loads.
class GatedProvider : public TokenizerProvider {
 public:
  std::optional<std::string> resolve(std::string_view name) const override {
    if (name == "a" || name == "A") return "a";
    if (name == "b" || name == "broken") return std::string(name);
    return std::nullopt;
  }
  Result<std::shared_ptr<const Tokenizer>> load(const std::string& id) const override {
    ++loads;
    if (id == "broken") return Status(ErrorCode::kVocabMissing, "no vocabulary for broken");
    std::unique_lock lock(mutex_);
    started_.insert(id);
    cv_.notify_all();
    const bool both = cv_.wait_for(lock, std::chrono::seconds(5), [&] { return started_.size() == 2; });
    if (!both) return Status(ErrorCode::kInternal, "loads of a and b did not overlap");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let duplicate callers arrive
    return std::shared_ptr<const Tokenizer>(std::make_shared<FakeTokenizer>(id));
  }
  std::vector<TokenizerInfo> list() const override { return {}; }

  mutable std::atomic<int> loads{0};

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  mutable std::set<std::string> started_;
};

TEST(RegistryTest, LoadsDifferentIdsInParallelAndEachIdOnce) {
  Registry registry;
  auto owned = std::make_unique<GatedProvider>();
  GatedProvider* provider = owned.get();
  registry.add_provider(std::move(owned));

  std::vector<std::future<Result<std::shared_ptr<const Tokenizer>>>> calls;
  for (const char* name : {"a", "A", "b", "a", "b"}) {
    calls.push_back(std::async(std::launch::async, [&registry, name] { return registry.get(name); }));
  }
  std::vector<std::shared_ptr<const Tokenizer>> got;
  for (auto& call : calls) {
    auto tokenizer = call.get();
    ASSERT_TRUE(tokenizer) << tokenizer.status().to_string();
    got.push_back(*tokenizer);
  }
  EXPECT_EQ(provider->loads.load(), 2);
  EXPECT_EQ(got[0], got[1]);
  EXPECT_EQ(got[0], got[3]);
  EXPECT_EQ(got[2], got[4]);
  EXPECT_EQ(got[0]->info().id, "a");
  EXPECT_EQ(got[2]->info().id, "b");
  EXPECT_EQ(*registry.get("A"), got[0]);  // cached
  EXPECT_EQ(provider->loads.load(), 2);
}

TEST(RegistryTest, FailedLoadsAreReportedAndRetried) {
  Registry registry;
  auto owned = std::make_unique<GatedProvider>();
  GatedProvider* provider = owned.get();
  registry.add_provider(std::move(owned));
  auto first = registry.get("broken");
  ASSERT_FALSE(first);
  EXPECT_EQ(first.status().code(), ErrorCode::kVocabMissing);
  EXPECT_FALSE(registry.get("broken"));
  EXPECT_EQ(provider->loads.load(), 2);  // not cached: a later call tries again

  auto unknown = registry.get("nope");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.status().code(), ErrorCode::kUnknownTokenizer);
}

// describe() answers from what is loaded or listed and never loads.
TEST(RegistryTest, DescribeNeverLoads) {
  Registry registry;
  auto owned = std::make_unique<GatedProvider>();
  GatedProvider* provider = owned.get();
  registry.add_provider(std::move(owned));
  EXPECT_FALSE(registry.describe("a"));  // known, but neither listed nor loaded
  EXPECT_FALSE(registry.describe("nope"));
  EXPECT_EQ(provider->loads.load(), 0);
  EXPECT_FALSE(registry.get("broken"));
  EXPECT_FALSE(registry.describe("broken"));

  std::optional<TokenizerInfo> claude = Registry::global().describe("claude-2");
  ASSERT_TRUE(claude);
  EXPECT_EQ(claude->id, "claude");
  EXPECT_EQ(claude->exactness, Exactness::kApproximate);
  std::optional<TokenizerInfo> api = Registry::global().describe("claude-api:sonnet");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->exactness, Exactness::kApi);
}

}  // namespace
}  // namespace epubtok::tokenizers
