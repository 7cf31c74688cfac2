// What job_manager_test.cc and job_events_test.cc share: the names they
// use, a JobManager over the fake engine, requests for it, and waiting for
// and reading a job's events.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "jobs/job_manager.h"
#include "support/fake_engine.h"
#include "support/recording_sink.h"

namespace epubtok::jobs {

// The names both test files use.
namespace json = boost::json;
using namespace std::chrono_literals;
using testing::FakeEngine;
using testing::RecordingSink;

inline model::RunRequest request_for(std::vector<std::string> paths) {
  model::RunRequest r;
  r.paths = std::move(paths);
  r.tokenizers = {"fake"};
  return r;
}

inline std::unique_ptr<JobManager> open_manager(testing::FakeEngine& fake, std::filesystem::path db = ":memory:",
                                                const std::function<void(JobManagerOptions&)>& tweak = {}) {
  JobManagerOptions options;
  options.database = std::move(db);
  options.engine = fake.engine();
  options.workers = 2;
  options.progress_interval = std::chrono::milliseconds(0);
  if (tweak) tweak(options);
  auto manager = JobManager::open(std::move(options));
  EXPECT_TRUE(manager) << manager.status().message();
  return manager ? std::move(*manager) : nullptr;
}

inline bool wait_status(JobManager& m, const std::string& id, JobStatus status) {
  for (int i = 0; i < 500; ++i) {
    auto info = m.get(id);
    if (info && info->status == status) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

inline std::vector<JobEvent> replay(JobManager& m, const std::string& id) {
  auto sub = m.subscribe(id, std::nullopt, std::make_shared<testing::RecordingSink>());
  EXPECT_TRUE(sub);
  if (sub && sub->token) m.unsubscribe(sub->token);
  return sub ? sub->replay : std::vector<JobEvent>{};
}

inline std::vector<std::string> types_of(const std::vector<JobEvent>& events) {
  std::vector<std::string> out;
  out.reserve(events.size());
  for (const auto& e : events) out.emplace_back(to_string(e.type));
  return out;
}

// Expected totals computed from the paths, independently of the manager.
inline uint64_t expected_words(const std::vector<std::string>& paths) {
  uint64_t n = 0;
  for (const auto& p : paths) n += p.size();
  return n;
}

inline std::filesystem::path temp_db(const char* name) {
  auto dir = std::filesystem::temp_directory_path() / ("epubtok_jobs_test_" + std::to_string(::getpid()) + "_" + name);
  std::filesystem::remove_all(dir);
  return dir / "jobs.sqlite";
}

}  // namespace epubtok::jobs
