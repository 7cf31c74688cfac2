#include "jobs/job.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace epubtok::jobs {
namespace {
namespace json = boost::json;

TEST(JobStatus, NamesRoundTrip) {
  for (auto s : {JobStatus::kQueued, JobStatus::kRunning, JobStatus::kCompleted, JobStatus::kFailed,
                 JobStatus::kCancelled, JobStatus::kInterrupted}) {
    auto parsed = parse_job_status(to_string(s));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, s);
  }
  EXPECT_FALSE(parse_job_status("cancel_requested"));
  EXPECT_TRUE(is_terminal(JobStatus::kCancelled));
  EXPECT_FALSE(is_terminal(JobStatus::kInterrupted));
}

TEST(JobRequest, ParsesAndAppliesDefaults) {
  auto r = request_from_json(json::parse(R"({"paths":["/a"],"tokenizers":["cl100k_base"]})"));
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(r->paths, std::vector<std::string>{"/a"});
  EXPECT_TRUE(r->recursive);
  EXPECT_EQ(r->max_mb, 512u);
  EXPECT_TRUE(r->exclude.empty());

  auto full = request_from_json(json::parse(
      R"({"paths":["/a","/b"],"tokenizers":["x"],"recursive":false,"exclude":["front","back"],"max_mb":10,"with_special":true})"));
  ASSERT_TRUE(full);
  EXPECT_FALSE(full->recursive);
  EXPECT_EQ(full->max_mb, 10u);
  EXPECT_TRUE(full->with_special);
  // Round trip through the stored form.
  auto again = request_from_json(request_to_json(*full));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->paths, full->paths);
  EXPECT_EQ(again->exclude, full->exclude);
  EXPECT_EQ(again->max_mb, 10u);
}

TEST(JobRequest, RejectsBadFieldsNamingThem) {
  struct Case {
    const char* body;
    const char* field;
  } cases[] = {
      {R"([1])", "object"},
      {R"({"tokenizers":["x"]})", "paths"},
      {R"({"paths":[],"tokenizers":["x"]})", "paths"},
      {R"({"paths":"/a","tokenizers":["x"]})", "paths"},
      {R"({"paths":["/a",3],"tokenizers":["x"]})", "paths[1]"},
      {R"({"paths":["/a"]})", "tokenizers"},
      {R"({"paths":["/a"],"tokenizers":["x"],"recursive":"yes"})", "recursive"},
      {R"({"paths":["/a"],"tokenizers":["x"],"exclude":["middle"]})", "exclude[0]"},
      {R"({"paths":["/a"],"tokenizers":["x"],"max_mb":0})", "max_mb"},
      {R"({"paths":["/a"],"tokenizers":["x"],"max_mb":5000})", "max_mb"},
      {R"({"paths":["/a"],"tokenizers":["x"],"max_mb":1.5})", "max_mb"},
  };
  for (const auto& c : cases) {
    auto r = request_from_json(json::parse(c.body));
    ASSERT_FALSE(r) << c.body;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.field), std::string::npos) << c.body << " → " << r.status().message();
  }
}

TEST(Progress, PercentPrefersBytesAndEtaIsNullWhenUnknown) {
  Progress p;
  EXPECT_EQ(p.percent(), 0.0);
  p.total = 4;
  p.current = 1;
  EXPECT_DOUBLE_EQ(p.percent(), 25.0);
  p.bytes_total = 1000;
  p.bytes_done = 500;
  EXPECT_DOUBLE_EQ(p.percent(), 50.0);
  json::object o = progress_to_json(p);
  EXPECT_TRUE(o.at("eta_s").is_null());
  EXPECT_EQ(o.at("percent").as_double(), 50.0);
  p.eta_s = 12.34;
  EXPECT_DOUBLE_EQ(progress_to_json(p).at("eta_s").as_double(), 12.3);
}

TEST(JobEvent, GlobalDataAddsJobIdAndStatus) {
  JobEvent e;
  e.job_id = "abc";
  e.status = JobStatus::kRunning;
  e.data = R"({"total_books":3})";
  json::value v = json::parse(e.global_data());
  EXPECT_EQ(v.at("job_id").as_string(), "abc");
  EXPECT_EQ(v.at("status").as_string(), "running");
  EXPECT_EQ(v.at("total_books").as_int64(), 3);
}

TEST(FormatTime, Rfc3339Utc) {
  EXPECT_EQ(format_time_ms(0), "1970-01-01T00:00:00Z");
  // 2026-11-29T06:00:00Z = 1795932000 s (days from epoch: 20786).
  EXPECT_EQ(format_time_ms(1795932000LL * 1000 + 999), "2026-11-29T06:00:00Z");
}

}  // namespace
}  // namespace epubtok::jobs
