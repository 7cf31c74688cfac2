// A job's events through JobManager: queue positions, replay after an id,
// the all-jobs stream, progress rate limits, slow subscribers, and that a
// subscriber only sees committed events.
#include "jobs/job_manager.h"

#include <gtest/gtest.h>

#include <chrono>
#include <climits>
#include <mutex>
#include <set>
#include <thread>

#include "jobs/job_manager_test_util.h"

namespace epubtok::jobs {
namespace {

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
