#include "jobs/job_manager.h"

#include <gtest/gtest.h>

#include <sched.h>
#include <unistd.h>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

#include <atomic>

#include <boost/json.hpp>

#include "support/fake_engine.h"
#include "support/recording_sink.h"

namespace epubtok::jobs {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

using testing::FakeEngine;
using testing::RecordingSink;

model::RunRequest request_for(std::vector<std::string> paths) {
  model::RunRequest r;
  r.paths = std::move(paths);
  r.tokenizers = {"fake"};
  return r;
}

std::unique_ptr<JobManager> open_manager(FakeEngine& fake, std::filesystem::path db = ":memory:",
                                         const std::function<void(JobManagerOptions&)>& tweak = {}) {
  JobManagerOptions options;
  options.database = std::move(db);
  options.engine = fake.engine();
  options.workers = 2;
  options.progress_interval = 0ms;
  if (tweak) tweak(options);
  auto manager = JobManager::open(std::move(options));
  EXPECT_TRUE(manager) << manager.status().message();
  return manager ? std::move(*manager) : nullptr;
}

bool wait_status(JobManager& m, const std::string& id, JobStatus status) {
  for (int i = 0; i < 500; ++i) {
    auto info = m.get(id);
    if (info && info->status == status) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

std::vector<JobEvent> replay(JobManager& m, const std::string& id) {
  auto sub = m.subscribe(id, std::nullopt, std::make_shared<RecordingSink>());
  EXPECT_TRUE(sub);
  if (sub && sub->token) m.unsubscribe(sub->token);
  return sub ? sub->replay : std::vector<JobEvent>{};
}

std::vector<std::string> types_of(const std::vector<JobEvent>& events) {
  std::vector<std::string> out;
  out.reserve(events.size());
  for (const auto& e : events) out.emplace_back(to_string(e.type));
  return out;
}

// Expected totals computed from the paths, independently of the manager.
uint64_t expected_words(const std::vector<std::string>& paths) {
  uint64_t n = 0;
  for (const auto& p : paths) n += p.size();
  return n;
}

std::filesystem::path temp_db(const char* name) {
  auto dir = std::filesystem::temp_directory_path() / ("epubtok_jobs_test_" + std::to_string(::getpid()) + "_" + name);
  std::filesystem::remove_all(dir);
  return dir / "jobs.sqlite";
}

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

// Positions change at every job start; like progress, they go out at most
// once per progress_interval, as they are when the interval is up.
TEST(JobManager, QueuePositionUpdatesAreRateLimited) {
  FakeEngine fake;
  fake.allow(0);
  auto m = open_manager(fake, ":memory:", [](JobManagerOptions& o) { o.progress_interval = 2000ms; });
  auto a = m->submit(request_for({"/a.epub"}));
  auto b = m->submit(request_for({"/b.epub"}));
  auto c = m->submit(request_for({"/c.epub"}));
  auto d = m->submit(request_for({"/d.epub"}));
  ASSERT_TRUE(a && b && c && d);
  m->start();
  ASSERT_TRUE(fake.wait_started(1));  // the first update goes out at once: d is 3rd
  ASSERT_TRUE(m->cancel(b->id));      // d would be 2nd, then 1st: held back
  ASSERT_TRUE(m->cancel(c->id));
  EXPECT_EQ(m->get(d->id)->position, 1u);  // the job itself is always current
  auto positions_of_d = [&] {
    std::vector<int64_t> positions;
    for (const auto& e : replay(*m, d->id)) {
      if (to_string(e.type) == "queued") positions.push_back(json::parse(e.data).at("position").to_number<int64_t>());
    }
    return positions;
  };
  for (int i = 0; i < 500 && positions_of_d().back() != 1; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(positions_of_d(), (std::vector<int64_t>{4, 3, 1}));
  fake.allow(INT_MAX);
  ASSERT_TRUE(wait_status(*m, d->id, JobStatus::kCompleted));
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

TEST(JobManager, ReplayAfterIdEarliestForUnknownOrTrimmed) {
  FakeEngine fake;
  auto m = open_manager(fake);
  auto job = m->submit(request_for({"/a.epub", "/b.epub", "/c.epub"}));
  auto live = std::make_shared<RecordingSink>();
  auto sub = m->subscribe(job->id, std::nullopt, live);
  ASSERT_TRUE(sub);
  EXPECT_FALSE(sub->finished);
  EXPECT_EQ(sub->replay.size(), 1u);  // queued
  m->start();
  ASSERT_TRUE(live->wait_for("completed"));
  // Live delivery continued the replay with no gap and no duplicate.
  auto seen = sub->replay;
  for (auto& e : live->events()) seen.push_back(e);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i].id, i + 1);
  EXPECT_EQ(m->subscriber_count(), 0u);  // dropped after the terminal event

  uint64_t first_progress = 0;
  for (const auto& e : seen) {
    if (to_string(e.type) == "progress") {
      first_progress = e.id;
      break;
    }
  }
  ASSERT_GT(first_progress, 0u);

  auto after = m->subscribe(job->id, 2, std::make_shared<RecordingSink>());
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->finished);
  EXPECT_FALSE(after->earliest);
  // Exactly the stored events after id 2 (trimmed progress events are gone).
  auto full = m->subscribe(job->id, std::nullopt, std::make_shared<RecordingSink>());
  std::vector<uint64_t> expected_ids;
  for (const auto& e : full->replay) {
    if (e.id > 2) expected_ids.push_back(e.id);
  }
  std::vector<uint64_t> got_ids;
  for (const auto& e : after->replay) got_ids.push_back(e.id);
  EXPECT_EQ(got_ids, expected_ids);
  EXPECT_LT(full->replay.size(), seen.size());  // the log was trimmed
  EXPECT_EQ(to_string(after->replay.back().type), "completed");

  auto unknown = m->subscribe(job->id, 9999, std::make_shared<RecordingSink>());
  ASSERT_TRUE(unknown);
  EXPECT_TRUE(unknown->earliest);
  EXPECT_EQ(unknown->replay.front().id, 1u);

  auto trimmed = m->subscribe(job->id, first_progress, std::make_shared<RecordingSink>());
  ASSERT_TRUE(trimmed);
  EXPECT_TRUE(trimmed->earliest);
  EXPECT_EQ(to_string(trimmed->replay.front().type), "queued");

  EXPECT_EQ(m->subscribe("nope", std::nullopt, live).status().code(), ErrorCode::kJobNotFound);
}

TEST(JobManager, OverflowingSubscriberIsDroppedAndJobRunsOn) {
  FakeEngine fake;
  auto m = open_manager(fake);
  auto job = m->submit(request_for({"/a.epub", "/b.epub", "/c.epub", "/d.epub"}));
  auto slow = std::make_shared<RecordingSink>(2);
  auto fine = std::make_shared<RecordingSink>();
  ASSERT_TRUE(m->subscribe(job->id, std::nullopt, slow));
  ASSERT_TRUE(m->subscribe(job->id, std::nullopt, fine));
  EXPECT_EQ(m->subscriber_count(), 2u);
  m->start();
  ASSERT_TRUE(fine->wait_for("completed"));
  EXPECT_EQ(slow->events().size(), 2u);
  EXPECT_EQ(m->get(job->id)->status, JobStatus::kCompleted);
  EXPECT_EQ(m->subscriber_count(), 0u);
}

TEST(JobManager, AllJobsStreamSkipsBooksAndReportsDeletes) {
  FakeEngine fake;
  auto m = open_manager(fake);
  auto global = std::make_shared<RecordingSink>();
  auto sub = m->subscribe_all(std::nullopt, global);
  ASSERT_TRUE(sub);
  EXPECT_TRUE(sub->replay.empty());
  auto job = m->submit(request_for({"/a.epub"}));
  m->start();
  ASSERT_TRUE(global->wait_for("completed"));
  ASSERT_TRUE(m->remove(job->id));
  ASSERT_TRUE(global->wait_for("deleted"));
  uint64_t last = 0;
  for (const auto& e : global->events()) {
    EXPECT_NE(to_string(e.type), "book");
    EXPECT_EQ(e.job_id, job->id);
    EXPECT_GT(e.global_id, last);
    last = e.global_id;
  }
  // A reconnect replays from the store after a global id.
  auto again = m->subscribe_all(global->events().front().global_id, std::make_shared<RecordingSink>());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->replay.size(), 1u);  // only `deleted` survives the job's removal
  EXPECT_EQ(to_string(again->replay.front().type), "deleted");
  // That id went with the job: the replay is a full one, flagged.
  EXPECT_TRUE(again->earliest);
}

TEST(JobManager, AllJobsReplayEarliestForUnknownOrTrimmedIds) {
  FakeEngine fake;
  auto m = open_manager(fake);
  auto first = m->submit(request_for({"/a.epub", "/b.epub"}));
  auto second = m->submit(request_for({"/c.epub"}));
  auto probe = std::make_shared<RecordingSink>();
  ASSERT_TRUE(m->subscribe(second->id, std::nullopt, probe));
  m->start();
  ASSERT_TRUE(probe->wait_for("completed"));

  auto full = m->subscribe_all(0, std::make_shared<RecordingSink>());
  ASSERT_TRUE(full);
  EXPECT_FALSE(full->earliest);
  ASSERT_GE(full->replay.size(), 4u);
  std::set<std::string> jobs_seen;
  for (const auto& e : full->replay) {
    EXPECT_NE(to_string(e.type), "book");
    jobs_seen.insert(e.job_id);
  }
  EXPECT_EQ(jobs_seen, (std::set<std::string>{first->id, second->id}));

  // A known id resumes right after it, not flagged.
  const JobEvent& middle = full->replay[full->replay.size() / 2];
  auto resumed = m->subscribe_all(middle.global_id, std::make_shared<RecordingSink>());
  ASSERT_TRUE(resumed);
  EXPECT_FALSE(resumed->earliest);
  ASSERT_FALSE(resumed->replay.empty());
  EXPECT_GT(resumed->replay.front().global_id, middle.global_id);
  EXPECT_EQ(resumed->replay.back().global_id, full->replay.back().global_id);

  // An id never assigned, and an id trimmed from the log (a progress event
  // compacted when its job ended), answer `earliest` and the full replay.
  auto unknown = m->subscribe_all(1'000'000, std::make_shared<RecordingSink>());
  ASSERT_TRUE(unknown);
  EXPECT_TRUE(unknown->earliest);
  EXPECT_EQ(unknown->replay.size(), full->replay.size());
  EXPECT_EQ(unknown->replay.front().global_id, full->replay.front().global_id);

  // Every gid below the newest is on this stream, a `book` row, or a
  // progress event compacted away when its job ended.
  std::set<uint64_t> present;
  for (const auto& e : full->replay) present.insert(e.global_id);
  for (const auto& id : {first->id, second->id}) {
    auto log = m->subscribe(id, std::nullopt, std::make_shared<RecordingSink>());
    ASSERT_TRUE(log);
    for (const auto& e : log->replay) present.insert(e.global_id);
  }
  uint64_t trimmed_gid = 0;
  for (uint64_t gid = 1; gid < full->replay.back().global_id; ++gid) {
    if (!present.count(gid)) {
      trimmed_gid = gid;
      break;
    }
  }
  ASSERT_GT(trimmed_gid, 0u);
  auto trimmed = m->subscribe_all(trimmed_gid, std::make_shared<RecordingSink>());
  ASSERT_TRUE(trimmed);
  EXPECT_TRUE(trimmed->earliest);
  EXPECT_EQ(trimmed->replay.size(), full->replay.size());
}

uint64_t progress_current(const JobEvent& e) { return json::parse(e.data).at("current").to_number<uint64_t>(); }

TEST(JobManager, ProgressIsRateLimitedYetEveryBookIsReported) {
  FakeEngine fake;
  fake.allow(1);
  auto m = open_manager(fake, ":memory:", [](JobManagerOptions& o) { o.progress_interval = 100ms; });
  std::vector<std::string> paths;
  paths.reserve(12);
  for (int i = 0; i < 12; ++i) paths.push_back("/burst/book" + std::to_string(i) + ".epub");
  auto job = m->submit(request_for(paths));
  auto sink = std::make_shared<RecordingSink>();
  ASSERT_TRUE(m->subscribe(job->id, std::nullopt, sink));
  m->start();
  // Book 1 ends right after the run's first progress event and book 2 is
  // held: the limit defers book 1's progress, and it must still arrive
  // while nothing else happens.
  ASSERT_TRUE(sink->wait_until([](const std::vector<JobEvent>& events) {
    for (const auto& e : events) {
      if (to_string(e.type) == "progress" && progress_current(e) == 1) return true;
    }
    return false;
  })) << "the progress of a book that ended within the interval was never sent";
  fake.allow(INT_MAX);  // the other 11 books end in a burst
  ASSERT_TRUE(sink->wait_for("completed"));

  std::vector<JobEvent> progress;
  uint64_t books = 0;
  auto events = sink->events();
  for (const auto& e : events) {
    if (to_string(e.type) == "progress") progress.push_back(e);
  }
  ASSERT_GE(progress.size(), 2u);
  // At most one per interval; only the run's final totals are sent at once.
  for (size_t i = 1; i + 1 < progress.size(); ++i) {
    EXPECT_GE(progress[i].created_ms - progress[i - 1].created_ms, 100) << "progress event " << progress[i].id;
  }
  // Every book is covered by a later progress event.
  for (const auto& e : events) {
    if (to_string(e.type) != "book") continue;
    ++books;
    bool covered = false;
    for (const auto& p : progress) covered = covered || (p.id > e.id && progress_current(p) >= books);
    EXPECT_TRUE(covered) << "book " << books << " (event " << e.id << ") has no progress event after it";
  }
  EXPECT_EQ(books, paths.size());
  EXPECT_EQ(progress_current(progress.back()), paths.size());
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

}  // namespace
}  // namespace epubtok::jobs

namespace epubtok::jobs {
namespace {

TEST(JobManager, SubscribersOnlySeeCommittedEvents) {
  auto db = temp_db("durable");
  FakeEngine fake;
  auto m = open_manager(fake, db);
  auto job = m->submit(request_for({"/missing.epub", "/a.epub", "/b.epub"}));
  // Checks, from a second connection, that each delivered event is already
  // committed: a subscriber must never see an id that a crash could roll
  // back (the restarted server would reuse it).
  std::mutex mu;
  std::vector<std::pair<std::string, bool>> delivered;
  auto probe = std::make_shared<RecordingSink>([&](const JobEvent& event) {
    auto reader = JobStore::open(db);
    bool stored = reader && *(*reader)->has_event(event.job_id, event.id);
    std::lock_guard lock(mu);
    delivered.emplace_back(to_string(event.type), stored);
  });
  ASSERT_TRUE(m->subscribe(job->id, std::nullopt, probe));
  m->start();
  ASSERT_TRUE(probe->wait_terminal());
  std::unique_lock lock(mu);
  auto seen = delivered;
  lock.unlock();
  ASSERT_GE(seen.size(), 6u);  // started, 3 books, progress…, completed
  for (const auto& [type, stored] : seen) EXPECT_TRUE(stored) << type << " was delivered before its commit";
  m.reset();
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
