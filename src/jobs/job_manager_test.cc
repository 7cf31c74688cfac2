// JobManager's jobs from submission to their end: running, queue order,
// cancelling, failures that become rows, removal, retention, shutdown and
// restart, and the counting thread's priority. The events a job sends and
// how subscribers receive them: job_events_test.cc.
#include "jobs/job_manager.h"

#include <gtest/gtest.h>

#include <sched.h>
#include <atomic>
#include <chrono>
#include <climits>
#include <set>
#include <thread>

#include "jobs/job_manager_test_util.h"

namespace epubtok::jobs {
namespace {

TEST(JobManager, HappyPathLogsEventsAndSummary) {
  FakeEngine fake;
  auto m = open_manager(fake);
  ASSERT_TRUE(m);
  std::vector<std::string> books = {"/lib/a.epub", "/lib/bb.epub", "/lib/ccc.epub"};
  auto job = m->submit(request_for(books));
  ASSERT_TRUE(job);
  EXPECT_EQ(job->status, JobStatus::kQueued);
  EXPECT_EQ(job->position, 1u);
  m->start();
  ASSERT_TRUE(wait_status(*m, job->id, JobStatus::kCompleted));

  auto events = replay(*m, job->id);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(to_string(events.front().type), "queued");
  EXPECT_EQ(to_string(events[1].type), "started");
  EXPECT_EQ(to_string(events.back().type), "completed");
  for (size_t i = 1; i < events.size(); ++i) EXPECT_GT(events[i].id, events[i - 1].id);
  auto types = types_of(events);
  EXPECT_EQ(std::count(types.begin(), types.end(), "book"), 3);
  EXPECT_GE(std::count(types.begin(), types.end(), "progress"), 1);
  json::value started = json::parse(events[1].data);
  EXPECT_EQ(started.at("total_books").to_number<int64_t>(), 3);

  json::value done = json::parse(events.back().data);
  const auto& summary = done.at("summary").as_object();
  EXPECT_EQ(summary.at("total").to_number<int64_t>(), 3);
  EXPECT_EQ(summary.at("ok").to_number<int64_t>(), 3);
  EXPECT_EQ(static_cast<uint64_t>(summary.at("word_count").to_number<int64_t>()), expected_words(books));
  EXPECT_EQ(static_cast<uint64_t>(summary.at("token_counts").at("fake").to_number<int64_t>()),
            2 * expected_words(books));

  auto info = m->get(job->id);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->progress.current, 3u);
  EXPECT_TRUE(info->started_ms && info->finished_ms);
  EXPECT_FALSE(info->position);

  auto doc = m->results(job->id);
  ASSERT_TRUE(doc);
  const auto& rows = doc->at("results").as_array();
  ASSERT_EQ(rows.size(), 3u);
  for (size_t i = 0; i < books.size(); ++i) EXPECT_EQ(rows[i].at("file_path").as_string(), books[i]);
  EXPECT_EQ(doc->at("schema_version").as_string(), "2.0");
}

TEST(JobManager, FifoOrderAndQueuePositions) {
  FakeEngine fake;
  fake.allow(0);
  auto m = open_manager(fake);
  auto a = m->submit(request_for({"/a.epub"}));
  auto b = m->submit(request_for({"/b.epub"}));
  auto c = m->submit(request_for({"/c.epub"}));
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->position, 1u);
  EXPECT_EQ(b->position, 2u);
  EXPECT_EQ(c->position, 3u);
  EXPECT_EQ(m->counts().queued, 3u);
  m->start();
  ASSERT_TRUE(fake.wait_started(1));
  EXPECT_EQ(m->get(a->id)->status, JobStatus::kRunning);
  EXPECT_EQ(m->get(b->id)->position, 1u);
  EXPECT_EQ(m->get(c->id)->position, 2u);
  EXPECT_EQ(m->counts().running, 1u);
  EXPECT_EQ(m->counts().queued, 2u);
  // C was told its position each time it changed.
  std::vector<int64_t> positions;
  for (const auto& e : replay(*m, c->id)) {
    if (to_string(e.type) == "queued") positions.push_back(json::parse(e.data).at("position").to_number<int64_t>());
  }
  EXPECT_EQ(positions, (std::vector<int64_t>{3, 2}));

  fake.allow(INT_MAX);
  ASSERT_TRUE(wait_status(*m, c->id, JobStatus::kCompleted));
  ASSERT_EQ(fake.calls.size(), 3u);
  EXPECT_EQ(fake.calls[0][0], "/a.epub");
  EXPECT_EQ(fake.calls[1][0], "/b.epub");
  EXPECT_EQ(fake.calls[2][0], "/c.epub");
}

TEST(JobManager, CancelInEachState) {
  FakeEngine fake;
  fake.allow(0);
  auto m = open_manager(fake);
  auto running = m->submit(request_for({"/r1.epub", "/r2.epub", "/r3.epub"}));
  auto queued = m->submit(request_for({"/q.epub"}));
  ASSERT_TRUE(running && queued);
  m->start();
  ASSERT_TRUE(fake.wait_started(1));

  auto c1 = m->cancel(queued->id);
  ASSERT_TRUE(c1);
  EXPECT_EQ(*c1, CancelOutcome::kCancelled);
  EXPECT_EQ(m->get(queued->id)->status, JobStatus::kCancelled);
  EXPECT_EQ(*m->cancel(queued->id), CancelOutcome::kCancelled);  // idempotent
  EXPECT_EQ(to_string(replay(*m, queued->id).back().type), "cancelled");

  EXPECT_EQ(*m->cancel(running->id), CancelOutcome::kCancelRequested);
  EXPECT_EQ(*m->cancel(running->id), CancelOutcome::kCancelRequested);
  EXPECT_TRUE(m->get(running->id)->cancel_requested);
  EXPECT_EQ(m->get(running->id)->status, JobStatus::kRunning);
  fake.allow(1);  // the book in flight finishes; no further book starts
  ASSERT_TRUE(wait_status(*m, running->id, JobStatus::kCancelled));
  auto events = replay(*m, running->id);
  json::value summary = json::parse(events.back().data).at("summary");
  EXPECT_EQ(summary.at("total").to_number<int64_t>(), 1);
  EXPECT_EQ(m->results(running->id)->at("results").as_array().size(), 1u);
  EXPECT_EQ(*m->cancel(running->id), CancelOutcome::kCancelled);
  // The cancelled queued job never ran.
  ASSERT_EQ(fake.calls.size(), 1u);

  fake.allow(INT_MAX);
  auto done = m->submit(request_for({"/d.epub"}));
  ASSERT_TRUE(wait_status(*m, done->id, JobStatus::kCompleted));
  auto finished = m->cancel(done->id);
  ASSERT_FALSE(finished);
  EXPECT_EQ(finished.status().code(), ErrorCode::kJobFinished);
  EXPECT_EQ(m->cancel("nope").status().code(), ErrorCode::kJobNotFound);
}

TEST(JobManager, ScanFailuresAndRejectedBooksBecomeRows) {
  FakeEngine fake;
  auto m = open_manager(fake, ":memory:", [](JobManagerOptions& o) {
    o.book_check = [](const std::string& path) {
      return path.find("escape") == std::string::npos ? Status() : Status(ErrorCode::kPathOutsideLibrary, "outside");
    };
  });
  auto job = m->submit(request_for({"/ok.epub", "/missing.epub", "/escape.epub"}));
  m->start();
  ASSERT_TRUE(wait_status(*m, job->id, JobStatus::kCompleted));
  auto summary = m->summary(job->id);
  EXPECT_EQ(summary->at("total").to_number<int64_t>(), 3);
  EXPECT_EQ(summary->at("ok").to_number<int64_t>(), 1);
  EXPECT_EQ(summary->at("failed").to_number<int64_t>(), 2);
  std::set<std::string> codes;
  auto doc = m->results(job->id);
  ASSERT_TRUE(doc);
  for (const auto& row : doc->at("results").as_array()) {
    if (row.as_object().contains("error")) codes.insert(std::string(row.at("error").at("code").as_string()));
  }
  EXPECT_EQ(codes, (std::set<std::string>{"FILE_NOT_FOUND", "PATH_OUTSIDE_LIBRARY"}));
  ASSERT_EQ(fake.calls.size(), 1u);
  EXPECT_EQ(fake.calls[0], std::vector<std::string>{"/ok.epub"});
}

TEST(JobManager, TokenizerLoadFailureFailsTheJob) {
  FakeEngine fake;
  fake.fail_prepare = true;
  auto m = open_manager(fake);
  auto job = m->submit(request_for({"/a.epub"}));
  m->start();
  ASSERT_TRUE(wait_status(*m, job->id, JobStatus::kFailed));
  auto info = m->get(job->id);
  ASSERT_TRUE(info->error);
  EXPECT_EQ(info->error->code, "VOCAB_MISSING");
  auto events = replay(*m, job->id);
  EXPECT_EQ(to_string(events.back().type), "failed");
  EXPECT_EQ(json::parse(events.back().data).at("error").at("code").as_string(), "VOCAB_MISSING");
  EXPECT_TRUE(fake.calls.empty());
}

TEST(JobManager, RemoveOnlyFinishedJobs) {
  FakeEngine fake;
  fake.allow(0);
  auto m = open_manager(fake);
  auto job = m->submit(request_for({"/a.epub"}));
  m->start();
  ASSERT_TRUE(fake.wait_started(1));
  EXPECT_EQ(m->remove(job->id).code(), ErrorCode::kJobRunning);
  fake.allow(INT_MAX);
  ASSERT_TRUE(wait_status(*m, job->id, JobStatus::kCompleted));
  ASSERT_TRUE(m->remove(job->id));
  EXPECT_EQ(m->get(job->id).status().code(), ErrorCode::kJobNotFound);
  EXPECT_EQ(m->remove(job->id).code(), ErrorCode::kJobNotFound);
}

TEST(JobManager, QueueLimitRetentionAndPaging) {
  FakeEngine fake;
  auto m = open_manager(fake, ":memory:", [](JobManagerOptions& o) {
    o.max_queued = 3;
    o.keep_jobs = 2;
  });
  std::vector<std::string> ids;
  ids.reserve(3);
  for (int i = 0; i < 3; ++i) ids.push_back(m->submit(request_for({"/a.epub"}))->id);
  EXPECT_TRUE(m->queue_full());
  auto refused = m->submit(request_for({"/a.epub"}));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.status().code(), ErrorCode::kQueueFull);

  auto all = m->list(std::nullopt, std::nullopt, 10);
  ASSERT_EQ(all.jobs.size(), 3u);
  EXPECT_EQ(all.jobs[0].id, ids[2]);  // newest first
  EXPECT_FALSE(all.next_cursor);
  auto page1 = m->list(std::nullopt, std::nullopt, 2);
  ASSERT_EQ(page1.jobs.size(), 2u);
  ASSERT_TRUE(page1.next_cursor);
  auto page2 = m->list(std::nullopt, page1.next_cursor, 2);
  ASSERT_EQ(page2.jobs.size(), 1u);
  EXPECT_EQ(page2.jobs[0].id, ids[0]);
  EXPECT_EQ(m->list(JobStatus::kCompleted, std::nullopt, 10).jobs.size(), 0u);

  m->start();
  ASSERT_TRUE(wait_status(*m, ids[2], JobStatus::kCompleted));
  // Retention keeps the newest two finished jobs.
  for (int i = 0; i < 100 && m->get(ids[0]); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(m->get(ids[0]).status().code(), ErrorCode::kJobNotFound);
  EXPECT_EQ(m->list(JobStatus::kCompleted, std::nullopt, 10).jobs.size(), 2u);
}

TEST(JobManager, RetentionByAgeAtStartAndAfterJobs) {
  FakeEngine fake;
  auto db = temp_db("retention_age");
  std::string old_id;
  {
    auto m = open_manager(fake, db);
    auto job = m->submit(request_for({"/a.epub"}));
    old_id = job->id;
    m->start();
    ASSERT_TRUE(wait_status(*m, old_id, JobStatus::kCompleted));
  }
  std::this_thread::sleep_for(5ms);
  // Reopened with a one-day limit the job stays; with none it goes at once.
  {
    auto m = open_manager(fake, db, [](JobManagerOptions& o) { o.keep_for = std::chrono::hours(24); });
    EXPECT_TRUE(m->get(old_id));
  }
  auto m = open_manager(fake, db, [](JobManagerOptions& o) { o.keep_for = 0ms; });
  EXPECT_EQ(m->get(old_id).status().code(), ErrorCode::kJobNotFound);
  // A job that ends is swept too (the first sweep runs after the first job).
  auto job = m->submit(request_for({"/b.epub"}));
  auto sink = std::make_shared<RecordingSink>();
  ASSERT_TRUE(m->subscribe(job->id, std::nullopt, sink));
  m->start();
  ASSERT_TRUE(sink->wait_for("completed"));
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    gone = m->get(job->id).status().code() == ErrorCode::kJobNotFound;
    if (!gone) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(gone);
  std::filesystem::remove_all(db.parent_path());
}

TEST(JobManager, ShutdownCheckpointsAndRestartResumesWithEqualTotals) {
  auto db = temp_db("resume");
  std::vector<std::string> books = {"/l/one.epub", "/l/two.epub", "/l/three.epub", "/l/four.epub", "/l/five.epub"};
  std::string id;
  {
    FakeEngine fake;
    fake.allow(2);
    auto m = open_manager(fake, db);
    auto job = m->submit(request_for(books));
    id = job->id;
    m->start();
    ASSERT_TRUE(fake.wait_finished(2));
    ASSERT_TRUE(fake.wait_started(3));
    std::thread release([&] {
      std::this_thread::sleep_for(50ms);
      fake.allow(3);  // the book in flight finishes after shutdown began
    });
    m->shutdown();
    release.join();
    auto info = m->get(id);
    EXPECT_EQ(info->status, JobStatus::kInterrupted);
    EXPECT_EQ(info->progress.current, 3u);
    EXPECT_EQ(to_string(replay(*m, id).back().type), "interrupted");
  }
  FakeEngine fake;
  auto m = open_manager(fake, db);
  auto before = m->get(id);
  ASSERT_TRUE(before);
  EXPECT_EQ(before->status, JobStatus::kInterrupted);
  EXPECT_EQ(before->position, 1u);
  m->start();
  ASSERT_TRUE(wait_status(*m, id, JobStatus::kCompleted));
  ASSERT_EQ(fake.calls.size(), 1u);
  EXPECT_EQ(fake.calls[0], (std::vector<std::string>{"/l/four.epub", "/l/five.epub"}));
  auto types = types_of(replay(*m, id));
  auto resumed = std::find(types.begin(), types.end(), "resumed");
  ASSERT_NE(resumed, types.end());
  EXPECT_NE(std::find(types.begin(), resumed, "interrupted"), resumed);
  auto summary = m->summary(id);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->at("total").to_number<int64_t>(), 5);
  EXPECT_EQ(static_cast<uint64_t>(summary->at("word_count").to_number<int64_t>()), expected_words(books));
  auto rows = m->results(id)->at("results").as_array();
  ASSERT_EQ(rows.size(), 5u);
  for (size_t i = 0; i < books.size(); ++i) EXPECT_EQ(rows[i].at("file_path").as_string(), books[i]);
  std::filesystem::remove_all(db.parent_path());
}

TEST(JobManager, JobRunningAtCrashIsInterruptedThenResumed) {
  auto db = temp_db("crash");
  std::vector<std::string> plan = {"/x/a.epub", "/x/b.epub", "/x/c.epub"};
  {
    // What a killed process leaves behind: a running job with one stored row.
    auto store = JobStore::open(db);
    ASSERT_TRUE(store);
    StoredJob job;
    job.info.id = "deadbeef00000000";
    job.info.status = JobStatus::kRunning;
    job.info.created_ms = now_ms();
    job.info.started_ms = now_ms();
    job.info.request = request_for({"/x"});
    job.plan = plan;
    job.info.progress.total = 3;
    ASSERT_TRUE((*store)->insert_job(job));
    json::object row{{"file_path", plan[1]}, {"file_name", "b.epub"},
                     {"status", "ok"},       {"word_count", plan[1].size()},
                     {"char_count", 0},      {"token_counts", json::object{{"fake", 2 * plan[1].size()}}}};
    ASSERT_TRUE((*store)->put_book(job.info.id, StoredBook{1, 10, json::serialize(row)}));
  }
  FakeEngine fake;
  auto m = open_manager(fake, db);
  EXPECT_EQ(m->get("deadbeef00000000")->status, JobStatus::kInterrupted);
  auto events = replay(*m, "deadbeef00000000");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(to_string(events[0].type), "interrupted");
  EXPECT_EQ(json::parse(events[0].data).at("reason").as_string(), "crash");
  m->start();
  ASSERT_TRUE(wait_status(*m, "deadbeef00000000", JobStatus::kCompleted));
  ASSERT_EQ(fake.calls.size(), 1u);
  EXPECT_EQ(fake.calls[0], (std::vector<std::string>{"/x/a.epub", "/x/c.epub"}));
  auto summary = m->summary("deadbeef00000000");
  EXPECT_EQ(static_cast<uint64_t>(summary->at("word_count").to_number<int64_t>()), expected_words(plan));
  std::filesystem::remove_all(db.parent_path());
}
}  // namespace
}  // namespace epubtok::jobs

namespace epubtok::jobs {
namespace {

TEST(ThreadPriority, NamesRoundTrip) {
  for (auto p : {ThreadPriority::kNormal, ThreadPriority::kLow, ThreadPriority::kIdle}) {
    EXPECT_EQ(parse_thread_priority(thread_priority_name(p)), p);
  }
  EXPECT_FALSE(parse_thread_priority("realtime"));
  EXPECT_FALSE(parse_thread_priority(""));
}

// The counting engine (and any thread it starts) runs at the lowered
// priority; every event is still stored and sent by a normal-priority
// thread, so a starved counting thread never holds the JobManager's lock.
TEST(JobManager, CountingRunsAtIdlePriorityEventsComeFromNormalThreads) {
  FakeEngine fake;
  std::atomic<int> count_policy{-1}, worker_policy{-1};
  auto m = open_manager(fake, ":memory:", [&](JobManagerOptions& o) {
    o.count_priority = ThreadPriority::kIdle;
    auto count = o.engine.count;
    o.engine.count = [&, count](const std::vector<std::string>& books, const count::CountOptions& options, int workers,
                                const count::LibraryCallbacks& callbacks, const std::atomic<bool>* cancel) {
      count_policy = sched_getscheduler(0);
      std::thread([&] { worker_policy = sched_getscheduler(0); }).join();
      return count(books, options, workers, callbacks, cancel);
    };
  });
  ASSERT_TRUE(m);
  std::vector<std::string> books = {"/lib/a.epub", "/lib/bb.epub", "/lib/ccc.epub", "/lib/dddd.epub"};
  auto job = m->submit(request_for(books));
  ASSERT_TRUE(job);
  auto sink = std::make_shared<RecordingSink>();
  auto sub = m->subscribe(job->id, std::nullopt, sink);
  ASSERT_TRUE(sub && sub->token);
  m->start();
  ASSERT_TRUE(wait_status(*m, job->id, JobStatus::kCompleted));

  EXPECT_EQ(count_policy.load(), SCHED_IDLE);
  EXPECT_EQ(worker_policy.load(), SCHED_IDLE);
  auto types = sink->types();
  EXPECT_EQ(std::count(types.begin(), types.end(), "book"), 4);
  ASSERT_FALSE(types.empty());
  EXPECT_EQ(types.back(), "completed");
  for (int policy : sink->policies()) EXPECT_NE(policy, SCHED_IDLE);
  // Every row is stored, in plan order.
  auto doc = m->results(job->id);
  ASSERT_TRUE(doc);
  const auto& rows = doc->at("results").as_array();
  ASSERT_EQ(rows.size(), books.size());
  for (size_t i = 0; i < books.size(); ++i) EXPECT_EQ(rows[i].at("file_path").as_string(), books[i]);
}

}  // namespace
}  // namespace epubtok::jobs
