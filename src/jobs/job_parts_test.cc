// The parts of the job manager on their own: Transaction, EventBus and
// RateLimit, RunningSummary. (job_manager_test.cc drives them together.)
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "jobs/event_bus.h"
#include "jobs/running_summary.h"
#include "jobs/transaction.h"
#include "results/results_document.h"
#include "support/recording_sink.h"

namespace epubtok::jobs {
namespace {
namespace json = boost::json;

struct Parts {
  Parts() {
    auto s = JobStore::open(":memory:");
    EXPECT_TRUE(s);
    store = std::move(*s);
    StoredJob job;
    job.info.id = "j1";
    job.info.request.tokenizers = {"t1", "t2"};
    info = job.info;
    EXPECT_TRUE(store->insert_job(job));
  }
  std::unique_ptr<JobStore> store;
  JobInfo info;
};

TEST(Transaction, DeliversEventsOnlyAfterCommit) {
  Parts p;
  EventBus bus(*p.store);
  auto sink = std::make_shared<testing::RecordingSink>();
  bus.subscribe("j1", sink);
  {
    Transaction tx(*p.store, bus);
    ASSERT_TRUE(tx.status());
    EXPECT_TRUE(tx.owns());
    ASSERT_TRUE(bus.emit(p.info, EventType::kQueued, json::object{{"position", 1}}));
    EXPECT_TRUE(sink->events().empty());
    ASSERT_TRUE(tx.commit());
  }
  ASSERT_EQ(sink->types(), (std::vector<std::string>{"queued"}));
  EXPECT_EQ(sink->events()[0].id, 1u);
  EXPECT_EQ(p.info.last_event_id, 1u);
}

TEST(Transaction, RollsBackWhenNotCommittedAndDropsHeldEvents) {
  Parts p;
  EventBus bus(*p.store);
  auto sink = std::make_shared<testing::RecordingSink>();
  bus.subscribe("j1", sink);
  {
    Transaction tx(*p.store, bus);
    ASSERT_TRUE(bus.emit(p.info, EventType::kQueued, json::object{{"position", 1}}));
  }  // no commit
  EXPECT_FALSE(p.store->in_transaction());
  EXPECT_TRUE(sink->events().empty());
  auto stored = p.store->job_events("j1", 0);
  ASSERT_TRUE(stored);
  EXPECT_TRUE(stored->empty());
}

TEST(Transaction, JoinedTransactionCommitsWithItsOwner) {
  Parts p;
  EventBus bus(*p.store);
  auto sink = std::make_shared<testing::RecordingSink>();
  bus.subscribe("j1", sink);
  Transaction outer(*p.store, bus);
  {
    Transaction inner(*p.store, bus);
    EXPECT_FALSE(inner.owns());
    EXPECT_TRUE(inner.status());
    ASSERT_TRUE(bus.emit(p.info, EventType::kStarted, json::object{}));
    EXPECT_TRUE(inner.commit());  // nothing yet
    EXPECT_TRUE(p.store->in_transaction());
  }
  EXPECT_TRUE(p.store->in_transaction());  // the joined one did not roll back either
  EXPECT_TRUE(sink->events().empty());
  ASSERT_TRUE(outer.commit());
  EXPECT_EQ(sink->types(), (std::vector<std::string>{"started"}));
}

TEST(EventBus, BookEventsStayOffTheAllJobsStreamAndTerminalEventsEndAJobsStream) {
  Parts p;
  EventBus bus(*p.store);
  auto job_sink = std::make_shared<testing::RecordingSink>();
  auto all_sink = std::make_shared<testing::RecordingSink>();
  bus.subscribe("j1", job_sink);
  bus.subscribe_all(all_sink);
  EXPECT_EQ(bus.subscriber_count(), 2u);
  ASSERT_TRUE(bus.emit(p.info, EventType::kBook, json::object{}));
  ASSERT_TRUE(bus.emit(p.info, EventType::kProgress, json::object{}));
  p.info.status = JobStatus::kCompleted;
  ASSERT_TRUE(bus.emit(p.info, EventType::kCompleted, json::object{}));
  EXPECT_EQ(job_sink->types(), (std::vector<std::string>{"book", "progress", "completed"}));
  EXPECT_EQ(all_sink->types(), (std::vector<std::string>{"progress", "completed"}));
  EXPECT_EQ(bus.subscriber_count(), 1u);  // the job's stream ended
  // Progress payloads carry the event's time.
  EXPECT_TRUE(json::parse(job_sink->events()[1].data).as_object().contains("ts"));
}

TEST(EventBus, RefusingSinkIsUnsubscribed) {
  Parts p;
  EventBus bus(*p.store);
  auto full = std::make_shared<testing::RecordingSink>(1);
  bus.subscribe("j1", full);
  ASSERT_TRUE(bus.emit(p.info, EventType::kQueued, json::object{}));
  ASSERT_TRUE(bus.emit(p.info, EventType::kStarted, json::object{}));
  EXPECT_EQ(full->events().size(), 1u);
  EXPECT_EQ(bus.subscriber_count(), 0u);
}

TEST(RateLimit, LeadingEdgeThenOnePendingSendWhenDue) {
  RateLimit limit(100);
  bool newly = false;
  EXPECT_TRUE(limit.admit(1000, false, &newly));
  EXPECT_FALSE(limit.pending());
  EXPECT_FALSE(limit.admit(1050, false, &newly));
  EXPECT_TRUE(newly);
  EXPECT_TRUE(limit.pending());
  EXPECT_EQ(limit.due_ms(), 1100);
  EXPECT_FALSE(limit.admit(1060, false, &newly));
  EXPECT_FALSE(newly);                           // already pending: the timer is awake
  EXPECT_TRUE(limit.admit(1070, true, &newly));  // forced
  EXPECT_FALSE(limit.pending());
  EXPECT_EQ(limit.due_ms(), INT64_MAX);
  EXPECT_TRUE(limit.admit(1170, false, &newly));
}

json::object row(const char* status, uint64_t words, std::vector<std::pair<std::string, uint64_t>> tokens) {
  model::BookResult b;
  b.status = std::string_view(status) == "ok"        ? model::BookStatus::kOk
             : std::string_view(status) == "skipped" ? model::BookStatus::kSkipped
                                                     : model::BookStatus::kError;
  b.word_count = words;
  b.char_count = words * 3;
  b.token_counts = std::move(tokens);
  return results::book_to_json(b);
}

// What the summary must equal: results::summarize() over the stored rows.
json::object from_store(JobStore& store, const std::vector<std::string>& tokenizers) {
  RunningSummary fresh(tokenizers, /*stale=*/true, /*tracking=*/false);
  return fresh.summary_json(store, "j1");
}

TEST(RunningSummary, FollowsTheStoredRows) {
  Parts p;
  const std::vector<std::string> ids = {"t1", "t2"};
  RunningSummary summary(ids, false, true);
  const std::vector<json::object> rows = {row("ok", 10, {{"t1", 5}, {"t2", 7}}), row("error", 0, {}),
                                          row("skipped", 0, {}), row("ok", 4, {{"t1", 1}, {"t2", 2}})};
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_TRUE(p.store->put_book("j1", StoredBook{static_cast<int64_t>(i), 0, json::serialize(rows[i])}));
    summary.add(static_cast<int64_t>(i), rows[i]);
    EXPECT_EQ(summary.summary_json(*p.store, "j1"), from_store(*p.store, ids)) << i;
  }
  auto s = summary.summary_json(*p.store, "j1");
  EXPECT_EQ(s.at("total").to_number<int64_t>(), 4);
  EXPECT_EQ(s.at("ok").to_number<int64_t>(), 2);
  EXPECT_EQ(s.at("word_count").to_number<int64_t>(), 14);
  EXPECT_EQ(s.at("token_counts").at("t2").to_number<int64_t>(), 9);
}

TEST(RunningSummary, RebuildsFromTheStoreWhenItCannotFollow) {
  Parts p;
  const std::vector<std::string> ids = {"t1"};
  RunningSummary summary(ids, false, true);
  auto put = [&](int64_t index, const json::object& r) {
    ASSERT_TRUE(p.store->put_book("j1", StoredBook{index, 0, json::serialize(r)}));
    summary.add(index, r);
  };
  put(0, row("ok", 10, {{"t1", 5}}));
  // A row replacing index 0: the old one no longer counts.
  put(0, row("ok", 3, {{"t1", 1}}));
  EXPECT_EQ(summary.summary_json(*p.store, "j1"), from_store(*p.store, ids));
  EXPECT_EQ(summary.summary_json(*p.store, "j1").at("word_count").to_number<int64_t>(), 3);
  // A tokenizer the request did not name: ordered as summarize() orders it.
  put(1, row("ok", 1, {{"zz", 1}, {"t1", 1}}));
  EXPECT_EQ(summary.summary_json(*p.store, "j1"), from_store(*p.store, ids));
  // A row added, then its transaction rolled back.
  ASSERT_TRUE(p.store->begin());
  put(2, row("ok", 100, {{"t1", 100}}));
  p.store->rollback();
  summary.invalidate();
  EXPECT_EQ(summary.summary_json(*p.store, "j1"), from_store(*p.store, ids));
  EXPECT_EQ(summary.summary_json(*p.store, "j1").at("total").to_number<int64_t>(), 2);
}

}  // namespace
}  // namespace epubtok::jobs
