// `epubtok serve` end to end: the real binary on an ephemeral loopback
// port, real sockets, generated EPUBs. Counting uses r50k_base (the
// smallest installed vocabulary) so tests spend their time on the server.
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "integration/test_client.h"
#include "support/epub_builder.h"
#include "support/prose.h"

namespace epubtok::itest {
namespace {
namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kTokenizer = "r50k_base";

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    base_ = fs::temp_directory_path() / ("epubtok_itest_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(base_);
    fs::create_directories(base_ / "lib");
    fs::create_directories(base_ / "outside");
  }
  void TearDown() override { fs::remove_all(base_); }

  // `n` books of about `words` words each in lib/<folder>.
  void make_books(const std::string& folder, int n, size_t words = 400) {
    for (int i = 0; i < n; ++i) {
      testing::EpubSpec spec;
      spec.metadata.title = "Book " + std::to_string(i);
      spec.chapters.push_back(
          testing::make_chapter("ch1.xhtml", "One", {test_support::generate_prose("en", 100 + i, words)}));
      spec.chapters.push_back(
          testing::make_chapter("ch2.xhtml", "Two", {test_support::generate_prose("fr", 200 + i, words / 2)}));
      char name[32];
      std::snprintf(name, sizeof name, "book%03d.epub", i);
      ASSERT_TRUE(testing::write_file((base_ / "lib" / folder / name).string(), testing::build_epub(spec)));
    }
  }

  std::vector<std::string> args(std::vector<std::string> extra = {}) {
    std::vector<std::string> a = {"--library",  (base_ / "lib").string(), "--data-dir", (base_ / "data").string(),
                                  "--web-root", (base_ / "web").string()};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }

  static std::string job_body(const std::string& path) {
    return json::serialize(
        json::object{{"paths", json::array{json::value(path)}}, {"tokenizers", json::array{kTokenizer}}});
  }
  static std::string submit(uint16_t port, const std::string& path) {
    auto r = http(port, "POST", "/api/jobs", job_body(path), {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 202) << r.body;
    if (r.status != 202) return "";
    return std::string(r.json().at("job_id").as_string());
  }

  fs::path base_;
};

uint64_t u64(const json::value& v) { return v.to_number<uint64_t>(); }

// The scheduling policy (SCHED_OTHER, SCHED_IDLE, …) of each thread of
// process `pid`, from field 41 of /proc/PID/task/TID/stat.
std::vector<int> thread_policies(pid_t pid) {
  std::vector<int> out;
  std::error_code ec;
  for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream in(task.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto close = stat.rfind(')');  // the thread name may hold spaces
    if (close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    // Fields 3.. follow the name; the policy is field 41.
    for (int i = 3; i <= 41 && fields >> field; ++i) {
      if (i == 41) out.push_back(std::stoi(field));
    }
  }
  return out;
}

TEST_F(ServerTest, HappyPathWithSseFramingAndDownloads) {
  make_books("shelf", 3);
  ServerProcess server(args({"-j", "2"}));
  ASSERT_NE(server.port(), 0);
  EXPECT_EQ(server.first_line(), "listening on http://127.0.0.1:" + std::to_string(server.port()));

  auto health = http(server.port(), "GET", "/api/health");
  ASSERT_EQ(health.status, 200);
  EXPECT_EQ(health.json().at("status").as_string(), "ok");

  auto created = http(server.port(), "POST", "/api/jobs", job_body("shelf"));
  ASSERT_EQ(created.status, 202) << created.body;
  std::string id(created.json().at("job_id").as_string());
  EXPECT_EQ(created.headers["location"], "/api/jobs/" + id);

  SseClient sse(server.port(), "/api/jobs/" + id + "/events");
  ASSERT_EQ(sse.status(), 200);
  EXPECT_EQ(sse.headers().at("content-type"), "text/event-stream");
  EXPECT_EQ(sse.headers().at("cache-control"), "no-cache");
  EXPECT_EQ(sse.headers().at("x-accel-buffering"), "no");
  std::vector<SseEvent> events;
  std::chrono::steady_clock::time_point terminal_at;
  while (auto e = sse.next(60s)) {
    events.push_back(*e);
    if (e->type == "completed") terminal_at = std::chrono::steady_clock::now();
  }
  EXPECT_TRUE(sse.closed()) << "the stream must close after the terminal event";
  // At once, not at the next 15 s heartbeat.
  EXPECT_LT(std::chrono::steady_clock::now() - terminal_at, 5s);
  EXPECT_EQ(sse.raw().rfind("retry: 3000\n\n", 0), 0u) << sse.raw().substr(0, 40);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().type, "queued");
  EXPECT_EQ(events.back().type, "completed");
  std::multiset<std::string> types;
  for (size_t i = 0; i < events.size(); ++i) {
    types.insert(events[i].type);
    if (i) {
      EXPECT_GT(events[i].id, events[i - 1].id);
    }
    EXPECT_EQ(events[i].data.find('\n'), std::string::npos);
    EXPECT_NO_THROW(events[i].json());
  }
  EXPECT_EQ(types.count("started"), 1u);
  EXPECT_EQ(types.count("book"), 3u);
  EXPECT_GE(types.count("progress"), 1u);
  auto summary = events.back().json().at("summary");
  EXPECT_EQ(u64(summary.at("ok")), 3u);
  EXPECT_GT(u64(summary.at("token_counts").at(kTokenizer)), 0u);

  auto job = http(server.port(), "GET", "/api/jobs/" + id).json();
  EXPECT_EQ(job.at("status").as_string(), "completed");
  EXPECT_EQ(job.at("results").at("results").as_array().size(), 3u);
  EXPECT_EQ(job.at("summary"), summary);
  uint64_t book_sum = 0;
  for (const auto& row : job.at("results").at("results").as_array()) book_sum += u64(row.at("word_count"));
  EXPECT_EQ(book_sum, u64(summary.at("word_count")));

  auto csv = http(server.port(), "GET", "/api/jobs/" + id + "/results.csv");
  EXPECT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find("book001.epub"), std::string::npos);
  auto md = http(server.port(), "GET", "/api/jobs/" + id + "/results.md");
  EXPECT_EQ(md.status, 200);
  auto js = http(server.port(), "GET", "/api/jobs/" + id + "/results.json");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.json().at("summary"), summary);

  // The document we produce validates; so does one in the original tool's 1.0 schema.
  auto valid = http(server.port(), "POST", "/api/results/validate", js.body);
  EXPECT_EQ(valid.status, 200) << valid.body;
  std::string legacy =
      R"({"schema_version":"1.0","results":[{"file_path":"a.epub","word_count":12,)"
      R"("token_counts":{"cl100k_base":15},"epub_metadata":{"title":"T","author":"A","language":"en"},)"
      R"("processed_at":"2024-01-01T00:00:00Z"}]})";
  auto normalised = http(server.port(), "POST", "/api/results/validate", legacy);
  ASSERT_EQ(normalised.status, 200) << normalised.body;
  EXPECT_EQ(normalised.json().at("schema_version").as_string(), "2.0");
  EXPECT_EQ(u64(normalised.json().at("results").as_array()[0].at("word_count")), 12u);
  auto invalid = http(server.port(), "POST", "/api/results/validate",
                      R"({"schema_version":"1.0","results":[{"word_count":"x"}]})");
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(invalid.json().at("error").at("code").as_string(), "INVALID_SCHEMA");
  EXPECT_FALSE(invalid.json().at("error").at("details").at("problems").as_array().empty());

  // SIGTERM stops cleanly.
  int status = server.stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST_F(ServerTest, QueuePositionsWithThreeJobs) {
  make_books("a", 3, 100);
  ServerProcess server(args({"-j", "1", "--debug-book-delay-ms", "150"}));
  std::string first = submit(server.port(), "a");
  wait_for_status(server.port(), first, "running");
  auto second = http(server.port(), "POST", "/api/jobs", job_body("a")).json();
  auto third = http(server.port(), "POST", "/api/jobs", job_body("a")).json();
  EXPECT_EQ(u64(second.at("position")), 1u);
  EXPECT_EQ(u64(third.at("position")), 2u);
  std::string third_id(third.at("job_id").as_string());
  auto health = http(server.port(), "GET", "/api/health").json();
  EXPECT_EQ(u64(health.at("queue").at("running")), 1u);
  EXPECT_EQ(u64(health.at("queue").at("queued")), 2u);
  EXPECT_EQ(u64(http(server.port(), "GET", "/api/jobs/" + third_id).json().at("position")), 2u);

  SseClient sse(server.port(), "/api/jobs/" + third_id + "/events");
  auto events = sse.read_all(60s);
  std::vector<uint64_t> positions;
  for (const auto& e : events) {
    if (e.type == "queued") positions.push_back(u64(e.json().at("position")));
  }
  EXPECT_EQ(positions, (std::vector<uint64_t>{2, 1}));
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().type, "completed");
  // FIFO: each job started after the previous one finished.
  auto a = http(server.port(), "GET", "/api/jobs/" + first).json();
  auto c = http(server.port(), "GET", "/api/jobs/" + third_id).json();
  EXPECT_LE(a.at("finished_at").as_string(), c.at("started_at").as_string());
  auto list = http(server.port(), "GET", "/api/jobs?limit=2").json();
  ASSERT_EQ(list.at("jobs").as_array().size(), 2u);
  EXPECT_EQ(list.at("jobs").as_array()[0].at("job_id").as_string(), third_id);
  ASSERT_TRUE(list.at("next_cursor").is_string());
  auto rest =
      http(server.port(), "GET", "/api/jobs?limit=2&cursor=" + std::string(list.at("next_cursor").as_string())).json();
  ASSERT_EQ(rest.at("jobs").as_array().size(), 1u);
  EXPECT_EQ(rest.at("jobs").as_array()[0].at("job_id").as_string(), first);
}

// `serve` counts at SCHED_IDLE by default: the counting thread and the
// worker it starts are idle-priority, the I/O threads and the runner are
// not, and the API answers while a job counts.
TEST_F(ServerTest, CountingThreadsRunAtIdlePriority) {
  make_books("a", 3, 100);
  ServerProcess server(args({"-j", "2", "--debug-book-delay-ms", "300"}));
  std::string id = submit(server.port(), "a");
  wait_for_status(server.port(), id, "running");
  size_t idle = 0, normal = 0;
  for (int i = 0; i < 100 && idle < 2; ++i) {
    auto policies = thread_policies(server.pid());
    idle = static_cast<size_t>(std::count(policies.begin(), policies.end(), SCHED_IDLE));
    normal = static_cast<size_t>(std::count(policies.begin(), policies.end(), SCHED_OTHER));
    if (idle < 2) std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(idle, 2u);    // the counting thread and one more worker (-j 2)
  EXPECT_GE(normal, 4u);  // two I/O threads, the runner, the progress thread, …
  EXPECT_EQ(http(server.port(), "GET", "/api/health").status, 200);
  SseClient sse(server.port(), "/api/jobs/" + id + "/events");
  auto events = sse.read_all(60s);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().type, "completed");
}

TEST_F(ServerTest, CancelInEachState) {
  make_books("a", 6, 100);
  ServerProcess server(args({"-j", "1", "--debug-book-delay-ms", "200"}));
  std::string running = submit(server.port(), "a");
  std::string queued = submit(server.port(), "a");
  wait_for_status(server.port(), running, "running");

  auto c1 = http(server.port(), "POST", "/api/jobs/" + queued + "/cancel");
  ASSERT_EQ(c1.status, 200) << c1.body;
  EXPECT_EQ(c1.json().at("status").as_string(), "cancelled");
  EXPECT_EQ(http(server.port(), "POST", "/api/jobs/" + queued + "/cancel").json().at("status").as_string(),
            "cancelled");
  EXPECT_EQ(http(server.port(), "GET", "/api/jobs/" + queued).json().at("status").as_string(), "cancelled");

  auto c2 = http(server.port(), "POST", "/api/jobs/" + running + "/cancel");
  ASSERT_EQ(c2.status, 200);
  EXPECT_EQ(c2.json().at("status").as_string(), "cancel_requested");
  // Idempotent: still cancel_requested, or cancelled if the book in flight
  // has finished in between.
  auto again = http(server.port(), "POST", "/api/jobs/" + running + "/cancel");
  EXPECT_EQ(again.status, 200);
  std::string again_status(again.json().at("status").as_string());
  EXPECT_TRUE(again_status == "cancel_requested" || again_status == "cancelled") << again_status;
  auto job = wait_for_status(server.port(), running, "cancelled", 20s);
  size_t rows = job.at("results").at("results").as_array().size();
  EXPECT_LT(rows, 6u) << "the books not yet started must not be counted";
  EXPECT_EQ(u64(job.at("summary").at("total")), rows);
  SseClient sse(server.port(), "/api/jobs/" + running + "/events");
  auto events = sse.read_all(10s);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().type, "cancelled");
  EXPECT_EQ(u64(events.back().json().at("summary").at("total")), rows);
  EXPECT_EQ(http(server.port(), "POST", "/api/jobs/" + running + "/cancel").json().at("status").as_string(),
            "cancelled");

  std::string done = submit(server.port(), "a/book000.epub");
  wait_for_status(server.port(), done, "completed");
  auto finished = http(server.port(), "POST", "/api/jobs/" + done + "/cancel");
  EXPECT_EQ(finished.status, 409);
  EXPECT_EQ(finished.json().at("error").at("code").as_string(), "JOB_FINISHED");
  EXPECT_EQ(http(server.port(), "DELETE", "/api/jobs/" + done).status, 204);
  EXPECT_EQ(http(server.port(), "GET", "/api/jobs/" + done).status, 404);
}

TEST_F(ServerTest, LastEventIdReplayIncludingTrimmedIds) {
  make_books("a", 4, 200);
  ServerProcess server(args({"-j", "1", "--debug-book-delay-ms", "120"}));
  std::string id = submit(server.port(), "a");
  SseClient live(server.port(), "/api/jobs/" + id + "/events");
  auto all = live.read_all(60s);
  ASSERT_FALSE(all.empty());
  ASSERT_EQ(all.back().type, "completed");
  uint64_t first_progress = 0;
  for (const auto& e : all) {
    if (e.type == "progress") {
      first_progress = e.id;
      break;
    }
  }
  ASSERT_GT(first_progress, 0u);

  // Header form: exactly the stored events after id 2, ending with the terminal event.
  SseClient after(server.port(), "/api/jobs/" + id + "/events", {{"Last-Event-ID", "2"}});
  auto replay = after.read_all(10s);
  EXPECT_EQ(after.headers().count("last-event-id"), 0u);
  ASSERT_FALSE(replay.empty());
  EXPECT_GT(replay.front().id, 2u);
  EXPECT_EQ(replay.back().type, "completed");
  std::vector<uint64_t> expected;
  for (const auto& e : all) {
    if (e.id > 2 && e.type != "progress") expected.push_back(e.id);
  }
  std::vector<uint64_t> got;
  for (const auto& e : replay) {
    if (e.type != "progress") got.push_back(e.id);
  }
  EXPECT_EQ(got, expected);

  // Query form, for a first connection.
  SseClient query(server.port(), "/api/jobs/" + id + "/events?last_event_id=" + std::to_string(all.back().id - 1));
  auto tail = query.read_all(10s);
  ASSERT_EQ(tail.size(), 1u);
  EXPECT_EQ(tail[0].type, "completed");

  // A trimmed id (progress events are compacted when a job ends) and an
  // unknown id both get a full replay, flagged by the header.
  for (uint64_t stale : {first_progress, uint64_t{999999}}) {
    SseClient trimmed(server.port(), "/api/sse/" + id, {{"Last-Event-ID", std::to_string(stale)}});
    EXPECT_EQ(trimmed.headers().at("last-event-id"), "earliest");
    auto full = trimmed.read_all(10s);
    ASSERT_FALSE(full.empty());
    EXPECT_EQ(full.front().id, 1u);
    EXPECT_EQ(full.back().type, "completed");
  }
  EXPECT_EQ(http(server.port(), "GET", "/api/jobs/nope/events").status, 404);

  // The all-jobs stream follows the same rules with its global ids.
  SseClient everything(server.port(), "/api/events?last_event_id=0");
  EXPECT_EQ(everything.headers().count("last-event-id"), 0u);
  auto first = everything.next(10s);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->type, "queued");
  EXPECT_EQ(first->json().at("job_id").as_string(), id);
  auto second = everything.next(10s);
  ASSERT_TRUE(second);
  SseClient resumed(server.port(), "/api/events", {{"Last-Event-ID", std::to_string(first->id)}});
  EXPECT_EQ(resumed.headers().count("last-event-id"), 0u);
  auto next = resumed.next(10s);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->id, second->id);
  // With a single job in the store, global ids equal its per-job ids, so
  // first_progress is a trimmed global id too.
  ASSERT_EQ(first->id, 1u);
  for (uint64_t stale : {first_progress, uint64_t{999999}}) {
    SseClient global(server.port(), "/api/events", {{"Last-Event-ID", std::to_string(stale)}});
    EXPECT_EQ(global.headers().at("last-event-id"), "earliest");
    auto replayed = global.next(10s);
    ASSERT_TRUE(replayed);
    EXPECT_EQ(replayed->id, first->id);
    EXPECT_EQ(replayed->type, "queued");
  }
}

TEST_F(ServerTest, TwoSubscribersOneDisconnectsSlowReaderNeverReads) {
  make_books("a", 12, 200);
  ServerProcess server(args({"-j", "1", "--debug-book-delay-ms", "60", "--sse-queue", "8"}));
  std::string id = submit(server.port(), "a");
  int stalled = open_stalled_sse(server.port(), "/api/jobs/" + id + "/events");
  ASSERT_GE(stalled, 0);
  SseClient a(server.port(), "/api/jobs/" + id + "/events");
  SseClient b(server.port(), "/api/jobs/" + id + "/events");
  // b leaves after the first book.
  for (;;) {
    auto e = b.next(20s);
    ASSERT_TRUE(e);
    if (e->type == "book") break;
  }
  b.close();
  auto start = std::chrono::steady_clock::now();
  auto events = a.read_all(60s);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().type, "completed");
  size_t books = 0;
  for (const auto& e : events) books += e.type == "book";
  EXPECT_EQ(books, 12u);
  // 12 books × 60 ms plus counting: the stalled reader did not hold the job.
  EXPECT_LT(took, 20s);
  auto job = http(server.port(), "GET", "/api/jobs/" + id).json();
  EXPECT_EQ(job.at("status").as_string(), "completed");
  ::close(stalled);
}

TEST_F(ServerTest, TwoHundredConcurrentSubscribers) {
  make_books("a", 5, 100);
  ServerProcess server(args({"-j", "1", "--debug-book-delay-ms", "100"}));
  std::string id = submit(server.port(), "a");
  std::vector<std::unique_ptr<SseClient>> clients;
  for (int i = 0; i < 200; ++i) {
    clients.push_back(std::make_unique<SseClient>(server.port(), "/api/jobs/" + id + "/events"));
    ASSERT_EQ(clients.back()->status(), 200) << i;
  }
  wait_for_status(server.port(), id, "completed");
  std::vector<uint64_t> reference;
  for (size_t i = 0; i < clients.size(); ++i) {
    auto events = clients[i]->read_all(20s);
    ASSERT_FALSE(events.empty()) << i;
    EXPECT_EQ(events.back().type, "completed") << i;
    std::vector<uint64_t> ids;
    for (const auto& e : events) {
      if (e.type != "progress") ids.push_back(e.id);
    }
    if (i == 0) reference = ids;
    EXPECT_EQ(ids, reference) << "subscriber " << i << " saw a different book/lifecycle sequence";
  }
}

TEST_F(ServerTest, KillNineMidJobThenRestartResumesWithEqualTotals) {
  make_books("a", 10, 300);
  std::string interrupted_id, finished_id;
  {
    ServerProcess server(args({"-j", "1", "--debug-book-delay-ms", "150"}));
    finished_id = submit(server.port(), "a/book000.epub");
    wait_for_status(server.port(), finished_id, "completed");
    interrupted_id = submit(server.port(), "a");
    SseClient sse(server.port(), "/api/jobs/" + interrupted_id + "/events");
    int books = 0;
    while (books < 3) {
      auto e = sse.next(30s);
      ASSERT_TRUE(e);
      books += e->type == "book";
    }
    server.stop(SIGKILL);
  }
  ServerProcess server(args({"-j", "2"}));
  auto finished = http(server.port(), "GET", "/api/jobs/" + finished_id).json();
  EXPECT_EQ(finished.at("status").as_string(), "completed");
  EXPECT_EQ(finished.at("results").at("results").as_array().size(), 1u);
  auto resumed = wait_for_status(server.port(), interrupted_id, "completed");
  SseClient log(server.port(), "/api/jobs/" + interrupted_id + "/events");
  auto events = log.read_all(10s);
  std::vector<std::string> lifecycle;
  for (const auto& e : events) {
    if (e.type == "interrupted" || e.type == "resumed" || e.type == "started" || e.type == "completed") {
      lifecycle.push_back(e.type);
    }
  }
  EXPECT_EQ(lifecycle, (std::vector<std::string>{"started", "interrupted", "resumed", "completed"}));
  for (const auto& e : events) {
    if (e.type == "interrupted") {
      EXPECT_EQ(e.json().at("reason").as_string(), "crash");
    }
    if (e.type == "resumed") {
      EXPECT_GE(u64(e.json().at("books_done")), 3u);
    }
  }

  // An uninterrupted run of the same library gives the same totals.
  std::string fresh = submit(server.port(), "a");
  auto reference = wait_for_status(server.port(), fresh, "completed");
  EXPECT_EQ(resumed.at("summary"), reference.at("summary"));
  EXPECT_EQ(u64(resumed.at("summary").at("ok")), 10u);
  auto rows = resumed.at("results").at("results").as_array();
  auto ref_rows = reference.at("results").at("results").as_array();
  ASSERT_EQ(rows.size(), ref_rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].at("file_path"), ref_rows[i].at("file_path"));
    EXPECT_EQ(rows[i].at("token_counts"), ref_rows[i].at("token_counts"));
  }
}

TEST_F(ServerTest, SigtermCheckpointsTheRunningJob) {
  make_books("a", 8, 100);
  std::string id;
  {
    ServerProcess server(args({"-j", "1", "--debug-book-delay-ms", "200"}));
    id = submit(server.port(), "a");
    SseClient sse(server.port(), "/api/jobs/" + id + "/events");
    while (auto e = sse.next(30s)) {
      if (e->type == "book") break;
    }
    int status = server.stop(SIGTERM);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  ServerProcess server(args({"-j", "2"}));
  auto job = wait_for_status(server.port(), id, "completed");
  EXPECT_EQ(u64(job.at("summary").at("ok")), 8u);
  SseClient log(server.port(), "/api/jobs/" + id + "/events");
  bool shutdown_logged = false;
  for (const auto& e : log.read_all(10s)) {
    if (e.type == "interrupted") shutdown_logged = e.json().at("reason").as_string() == "shutdown";
  }
  EXPECT_TRUE(shutdown_logged);
}

TEST_F(ServerTest, PathTraversalAndHostChecks) {
  make_books("a", 1, 50);
  testing::write_file((base_ / "outside" / "secret.epub").string(), "PK\x03\x04 secret contents");
  fs::create_symlink(base_ / "outside", base_ / "lib" / "link");
  ServerProcess server(args());
  struct Case {
    std::string path;
    int status;
    std::string code;
  } cases[] = {
      {"../outside/secret.epub", 400, "INVALID_PATH"},
      {"a/../../outside", 400, "INVALID_PATH"},
      {"~/secret.epub", 400, "INVALID_PATH"},
      {std::string("a\0b", 3), 400, "INVALID_PATH"},
      {(base_ / "outside" / "secret.epub").string(), 403, "PATH_OUTSIDE_LIBRARY"},
      {"/etc/passwd", 403, "PATH_OUTSIDE_LIBRARY"},
      {"link/secret.epub", 403, "PATH_OUTSIDE_LIBRARY"},
      {"link", 403, "PATH_OUTSIDE_LIBRARY"},
  };
  for (const auto& c : cases) {
    auto r = http(server.port(), "POST", "/api/jobs", job_body(c.path));
    EXPECT_EQ(r.status, c.status) << c.path << ": " << r.body;
    EXPECT_EQ(r.json().at("error").at("code").as_string(), c.code) << c.path;
    EXPECT_EQ(r.body.find("secret contents"), std::string::npos);
  }
  auto fs_outside = http(server.port(), "GET", "/api/fs?path=%2Fetc");
  EXPECT_EQ(fs_outside.status, 403);
  EXPECT_EQ(http(server.port(), "GET", "/api/fs?path=..").status, 400);
  EXPECT_EQ(http(server.port(), "GET", "/%2e%2e/outside/secret.epub").status, 404);

  // DNS rebinding: only the bound host, localhost and 127.0.0.1 are served.
  auto rebound = http(server.port(), "GET", "/api/health", "", {}, "evil.example");
  EXPECT_EQ(rebound.status, 403);
  EXPECT_EQ(rebound.json().at("error").at("code").as_string(), "HOST_NOT_ALLOWED");
  EXPECT_EQ(http(server.port(), "GET", "/api/health", "", {}, "evil.example:" + std::to_string(server.port())).status,
            403);
  EXPECT_EQ(http(server.port(), "GET", "/api/health", "", {}, "").status, 403);
  EXPECT_EQ(http(server.port(), "GET", "/api/health", "", {}, "localhost:" + std::to_string(server.port())).status,
            200);

  // No CORS without --cors-origin.
  auto r = http(server.port(), "GET", "/api/health", "", {{"Origin", "http://evil.example"}});
  EXPECT_EQ(r.headers.count("access-control-allow-origin"), 0u);
  // Errors of the protocol level.
  auto wrong_method = http(server.port(), "PUT", "/api/jobs");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.json().at("error").at("code").as_string(), "METHOD_NOT_ALLOWED");
  auto no_endpoint = http(server.port(), "GET", "/api/nothing-here");
  EXPECT_EQ(no_endpoint.status, 404);
  EXPECT_EQ(no_endpoint.json().at("error").at("code").as_string(), "NOT_FOUND");
  auto bad = http(server.port(), "POST", "/api/jobs", "{oops");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json().at("error").at("code").as_string(), "INVALID_JSON");
  auto unknown = http(server.port(), "POST", "/api/jobs", R"({"paths":["a"],"tokenizers":["gpt-99"]})");
  EXPECT_EQ(unknown.json().at("error").at("code").as_string(), "UNKNOWN_TOKENIZER");
  EXPECT_FALSE(unknown.json().at("error").at("details").at("valid").as_array().empty());
  std::string huge(2 << 20, ' ');
  auto too_big = http(server.port(), "POST", "/api/jobs", huge);
  EXPECT_EQ(too_big.status, 413);
  EXPECT_EQ(too_big.json().at("error").at("code").as_string(), "PAYLOAD_TOO_LARGE");
  // The UI is not built in this test: "/" says so, /jobs/<id> too (SPA route).
  auto home = http(server.port(), "GET", "/");
  EXPECT_EQ(home.status, 200);
  EXPECT_NE(home.body.find("not built"), std::string::npos);
}

TEST_F(ServerTest, UploadsAndTheirLimits) {
  ServerProcess server(args({"--max-upload-mb", "1", "--max-uploads-total-mb", "2", "-j", "1"}));
  testing::EpubSpec spec;
  spec.chapters.push_back(testing::make_chapter("c.xhtml", "C", {test_support::generate_prose("en", 9, 300)}));
  std::string epub = testing::build_epub(spec);

  auto raw =
      http(server.port(), "POST", "/api/uploads?name=My%20Book.epub", epub, {{"Content-Type", "application/epub+zip"}});
  ASSERT_EQ(raw.status, 201) << raw.body;
  auto up = raw.json();
  EXPECT_EQ(up.at("file_name").as_string(), "My Book.epub");
  EXPECT_EQ(u64(up.at("size")), epub.size());

  std::string boundary = "----epubtokTestBoundary";
  std::string multipart = "--" + boundary +
                          "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"second.epub\"\r\n"
                          "Content-Type: application/epub+zip\r\n\r\n" +
                          epub + "\r\n--" + boundary + "--\r\n";
  auto form = http(server.port(), "POST", "/api/uploads", multipart,
                   {{"Content-Type", "multipart/form-data; boundary=" + boundary}});
  ASSERT_EQ(form.status, 201) << form.body;
  EXPECT_EQ(form.json().at("file_name").as_string(), "second.epub");
  EXPECT_EQ(u64(form.json().at("size")), epub.size());

  ASSERT_EQ(form.json().at("uploads").as_array().size(), 1u);
  EXPECT_EQ(form.json().at("uploads").at(0).at("upload_id"), form.json().at("upload_id"));

  // Several files in one form: one upload each, in order; the top level
  // repeats the first so one-file clients read the same shape.
  auto part = [&](const std::string& name, const std::string& content) {
    return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + name +
           "\"\r\nContent-Type: application/epub+zip\r\n\r\n" + content + "\r\n";
  };
  std::string two = part("third.epub", epub) + "--" + boundary +
                    "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nignored\r\n" + part("fourth.epub", epub) +
                    "--" + boundary + "--\r\n";
  auto pair =
      http(server.port(), "POST", "/api/uploads", two, {{"Content-Type", "multipart/form-data; boundary=" + boundary}});
  ASSERT_EQ(pair.status, 201) << pair.body;
  const json::value pair_json = pair.json();  // owns what `listed` refers to
  const auto& listed = pair_json.at("uploads").as_array();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].at("file_name").as_string(), "third.epub");
  EXPECT_EQ(listed[1].at("file_name").as_string(), "fourth.epub");
  EXPECT_NE(listed[0].at("upload_id"), listed[1].at("upload_id"));
  EXPECT_EQ(pair_json.at("upload_id"), listed[0].at("upload_id"));
  EXPECT_EQ(u64(listed[1].at("size")), epub.size());

  // A form with one bad file stores none of its files (the total below
  // would not fit otherwise).
  auto mixed = http(server.port(), "POST", "/api/uploads",
                    part("good.epub", epub) + part("bad.epub", "not a zip") + "--" + boundary + "--\r\n",
                    {{"Content-Type", "multipart/form-data; boundary=" + boundary}});
  EXPECT_EQ(mixed.status, 400) << mixed.body;
  EXPECT_EQ(mixed.json().at("error").at("code").as_string(), "EPUB_NOT_ZIP");
  auto too_big = http(server.port(), "POST", "/api/uploads",
                      part("good.epub", epub) + part("huge.epub", "PK\x03\x04" + std::string((1 << 20) + 10, 'z')) +
                          "--" + boundary + "--\r\n",
                      {{"Content-Type", "multipart/form-data; boundary=" + boundary}});
  EXPECT_EQ(too_big.status, 413) << too_big.body;

  // Every upload is countable by id.
  auto job = http(
      server.port(), "POST", "/api/jobs",
      json::serialize(json::object{
          {"paths", json::array{"upload:" + std::string(up.at("upload_id").as_string()), form.json().at("upload_id"),
                                listed[0].at("upload_id"), listed[1].at("upload_id")}},
          {"tokenizers", json::array{kTokenizer}}}));
  ASSERT_EQ(job.status, 202) << job.body;
  auto done = wait_for_status(server.port(), std::string(job.json().at("job_id").as_string()), "completed");
  EXPECT_EQ(u64(done.at("summary").at("ok")), 4u);

  auto not_zip = http(server.port(), "POST", "/api/uploads", "just text", {{"Content-Type", "application/epub+zip"}});
  EXPECT_EQ(not_zip.status, 400);
  EXPECT_EQ(not_zip.json().at("error").at("code").as_string(), "EPUB_NOT_ZIP");
  std::string big = "PK\x03\x04" + std::string((1 << 20) + 10, 'x');
  EXPECT_EQ(http(server.port(), "POST", "/api/uploads", big, {{"Content-Type", "application/epub+zip"}}).status, 413);
  // The total is 2 MiB: two more files of 1000 KiB fit, a third does not.
  std::string chunk = "PK\x03\x04" + std::string(size_t{1000} * 1024, 'y');
  EXPECT_EQ(http(server.port(), "POST", "/api/uploads", chunk, {{"Content-Type", "application/epub+zip"}}).status, 201);
  EXPECT_EQ(http(server.port(), "POST", "/api/uploads", chunk, {{"Content-Type", "application/epub+zip"}}).status, 201);
  EXPECT_EQ(http(server.port(), "POST", "/api/uploads", chunk, {{"Content-Type", "application/epub+zip"}}).status, 413);
  EXPECT_EQ(http(server.port(), "POST", "/api/jobs", job_body("upload:up_0000000000000000")).status, 400);
}

}  // namespace
}  // namespace epubtok::itest
