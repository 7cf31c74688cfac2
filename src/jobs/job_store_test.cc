#include "jobs/job_store.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>

namespace epubtok::jobs {
namespace {

std::filesystem::path temp_db(const char* name) {
  auto dir = std::filesystem::temp_directory_path() / ("epubtok_store_test_" + std::to_string(::getpid()) + "_" + name);
  std::filesystem::remove_all(dir);
  return dir / "sub" / "jobs.sqlite";
}

StoredJob make_job(const std::string& id) {
  StoredJob job;
  job.info.id = id;
  job.info.created_ms = 1000;
  job.info.request.paths = {"/lib/a.epub"};
  job.info.request.tokenizers = {"cl100k_base"};
  return job;
}

JobEvent make_event(const std::string& job, uint64_t id, std::string_view type) {
  JobEvent e;
  e.job_id = job;
  e.id = id;
  e.type = parse_event_type(type).value();
  e.data = "{}";
  e.created_ms = 5;
  return e;
}

TEST(JobStore, JobsSurviveReopen) {
  auto path = temp_db("reopen");
  {
    auto store = JobStore::open(path);
    ASSERT_TRUE(store) << store.status().message();
    StoredJob job = make_job("j1");
    auto seq = (*store)->insert_job(job);
    ASSERT_TRUE(seq);
    job.info.status = JobStatus::kRunning;
    job.info.started_ms = 2000;
    job.plan = std::vector<std::string>{"/lib/a.epub", "/lib/b.epub"};
    job.info.progress.total = 2;
    job.info.progress.bytes_total = 77;
    job.info.error = JobError{"EPUB_DRM", "locked"};
    ASSERT_TRUE((*store)->update_job(job));
    ASSERT_TRUE((*store)->insert_job(make_job("j2")));
  }
  auto store = JobStore::open(path);
  ASSERT_TRUE(store);
  auto jobs = (*store)->load_jobs();
  ASSERT_TRUE(jobs);
  ASSERT_EQ(jobs->size(), 2u);
  const StoredJob& j = (*jobs)[0];
  EXPECT_EQ(j.info.id, "j1");
  EXPECT_LT(j.info.seq, (*jobs)[1].info.seq);
  EXPECT_EQ(j.info.status, JobStatus::kRunning);
  EXPECT_EQ(j.info.started_ms, 2000);
  EXPECT_FALSE(j.info.finished_ms);
  ASSERT_TRUE(j.plan);
  EXPECT_EQ(j.plan->size(), 2u);
  EXPECT_EQ(j.info.progress.total, 2u);
  EXPECT_EQ(j.info.progress.bytes_total, 77u);
  ASSERT_TRUE(j.info.error);
  EXPECT_EQ(j.info.error->code, "EPUB_DRM");
  EXPECT_EQ(j.info.request.tokenizers, std::vector<std::string>{"cl100k_base"});
  EXPECT_FALSE((*jobs)[1].plan);
  std::filesystem::remove_all(path.parent_path().parent_path());
}

TEST(JobStore, EventsReplayAfterIdAndTrimKeepsNewestProgress) {
  auto store = JobStore::open(":memory:");
  ASSERT_TRUE(store);
  JobStore& s = **store;
  const char* types[] = {"queued", "started", "progress", "book", "progress", "book", "progress", "completed"};
  uint64_t last_gid = 0;
  for (uint64_t i = 0; i < std::size(types); ++i) {
    JobEvent e = make_event("j", i + 1, types[i]);
    ASSERT_TRUE(s.append_event(e));
    EXPECT_GT(e.global_id, last_gid);
    last_gid = e.global_id;
  }
  JobEvent other = make_event("k", 1, "queued");
  ASSERT_TRUE(s.append_event(other));

  auto after = s.job_events("j", 5);
  ASSERT_TRUE(after);
  ASSERT_EQ(after->size(), 3u);
  EXPECT_EQ((*after)[0].id, 6u);
  EXPECT_EQ(to_string((*after)[2].type), "completed");
  EXPECT_EQ(*s.max_event_id("j"), 8u);
  EXPECT_EQ(*s.max_event_id("nobody"), 0u);

  ASSERT_TRUE(s.trim_progress("j"));
  EXPECT_FALSE(*s.has_event("j", 3));  // older progress: trimmed
  EXPECT_FALSE(*s.has_event("j", 5));
  EXPECT_TRUE(*s.has_event("j", 7));  // newest progress kept
  EXPECT_TRUE(*s.has_event("j", 4));  // books kept
  auto all = s.job_events("j", 0);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 6u);

  // The all-jobs stream leaves out book rows.
  auto global = s.global_events(0, 100);
  ASSERT_TRUE(global);
  for (const auto& e : *global) EXPECT_NE(to_string(e.type), "book");
  EXPECT_EQ(global->back().job_id, "k");
  auto limited = s.global_events(0, 2);
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->size(), 2u);
}

TEST(JobStore, GlobalIdsAreNeverReusedAfterDelete) {
  auto store = JobStore::open(":memory:");
  ASSERT_TRUE(store);
  JobStore& s = **store;
  ASSERT_TRUE(s.insert_job(make_job("j")));
  JobEvent a = make_event("j", 1, "queued");
  ASSERT_TRUE(s.append_event(a));
  ASSERT_TRUE(s.put_book("j", StoredBook{0, 10, "{}"}));
  ASSERT_TRUE(s.delete_job("j"));
  EXPECT_TRUE(s.load_jobs()->empty());
  EXPECT_TRUE(s.books("j")->empty());
  EXPECT_TRUE(s.job_events("j", 0)->empty());
  EXPECT_EQ(*s.last_global_id(), a.global_id);
  JobEvent b = make_event("k", 1, "queued");
  ASSERT_TRUE(s.append_event(b));
  EXPECT_GT(b.global_id, a.global_id);
}

TEST(JobStore, BooksOrderedByIndexAndReplaceable) {
  auto store = JobStore::open(":memory:");
  ASSERT_TRUE(store);
  JobStore& s = **store;
  ASSERT_TRUE(s.put_book("j", StoredBook{2, 30, R"({"n":2})"}));
  ASSERT_TRUE(s.put_book("j", StoredBook{0, 10, R"({"n":0})"}));
  ASSERT_TRUE(s.put_book("j", StoredBook{2, 31, R"({"n":"2b"})"}));
  auto books = s.books("j");
  ASSERT_TRUE(books);
  ASSERT_EQ(books->size(), 2u);
  EXPECT_EQ((*books)[0].index, 0);
  EXPECT_EQ((*books)[1].file_size, 31u);
  EXPECT_EQ((*books)[1].row, R"({"n":"2b"})");
}

TEST(JobStore, RollbackDiscardsWrites) {
  auto store = JobStore::open(":memory:");
  ASSERT_TRUE(store);
  JobStore& s = **store;
  ASSERT_TRUE(s.begin());
  ASSERT_TRUE(s.insert_job(make_job("j")));
  s.rollback();
  EXPECT_TRUE(s.load_jobs()->empty());
  ASSERT_TRUE(s.begin());
  ASSERT_TRUE(s.insert_job(make_job("j")));
  ASSERT_TRUE(s.commit());
  EXPECT_EQ(s.load_jobs()->size(), 1u);
}

TEST(JobStore, UnopenableFileIsIoError) {
  auto store = JobStore::open("/proc/definitely/not/here.sqlite");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.status().code(), ErrorCode::kIoError);
}

// With external checkpoints the main connection never checkpoints by
// itself; checkpoint_copy() copies what is committed, and once a copy is
// complete the next commit rewinds the WAL instead of growing it, so the
// file stays bounded under a steady writer. Nothing is lost on the way.
TEST(JobStore, ExternalCheckpointsCopyAndRewindTheWal) {
  auto path = temp_db("checkpoint");
  auto wal_frames_after_writes = [](JobStore& store, const std::string& job, uint64_t first, int n) {
    for (int i = 0; i < n; ++i) {
      JobEvent e = make_event(job, first + static_cast<uint64_t>(i), "book");
      e.data = std::string(3000, 'x');  // about one page per event
      EXPECT_TRUE(store.append_event(e).is_ok());
    }
  };
  {
    auto store = JobStore::open(path);
    ASSERT_TRUE(store);
    EXPECT_FALSE((*store)->external_checkpoints());
    EXPECT_FALSE((*store)->checkpoint_copy());  // not enabled yet
    ASSERT_TRUE((*store)->use_external_checkpoints().is_ok());
    ASSERT_TRUE((*store)->external_checkpoints());
    ASSERT_TRUE((*store)->insert_job(make_job("j1")));
    wal_frames_after_writes(**store, "j1", 1, 1500);
    // Well past SQLite's automatic threshold, yet nothing was copied.
    auto before = (*store)->checkpoint_copy();
    ASSERT_TRUE(before);
    EXPECT_GT(before->wal_frames, 1500);
    EXPECT_EQ(before->copied_frames, before->wal_frames);  // no writer meanwhile: complete
    wal_frames_after_writes(**store, "j1", 1501, 10);
    auto after = (*store)->checkpoint_complete();
    ASSERT_TRUE(after);
    EXPECT_LT(after->wal_frames, 100);  // rewound, not appended to
    EXPECT_EQ(after->copied_frames, after->wal_frames);
  }
  auto store = JobStore::open(path);
  ASSERT_TRUE(store);
  auto events = (*store)->job_events("j1", 0);
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 1510u);
  EXPECT_EQ(events->back().id, 1510u);
  std::filesystem::remove_all(path.parent_path().parent_path());
}

// ":memory:" has no WAL to checkpoint: enabling is a no-op.
TEST(JobStore, ExternalCheckpointsAreANoOpInMemory) {
  auto store = JobStore::open(":memory:");
  ASSERT_TRUE(store);
  EXPECT_TRUE((*store)->use_external_checkpoints().is_ok());
  EXPECT_FALSE((*store)->external_checkpoints());
}

}  // namespace
}  // namespace epubtok::jobs
