#include "server/sse.h"

#include <gtest/gtest.h>

namespace epubtok::server {
namespace {

TEST(SseFrame, IdEventAndOneDataLine) {
  EXPECT_EQ(sse_frame(7, "progress", R"({"a":1})"), "id: 7\nevent: progress\ndata: {\"a\":1}\n\n");
}

TEST(SseFrame, LineBreaksInDataBecomeSeparateDataLines) {
  // Per the SSE spec a client joins data lines with '\n', so the payload
  // survives even if a raw newline slipped in; it never ends the event early.
  EXPECT_EQ(sse_frame(1, "x", "a\nb\r\nc\rd"), "id: 1\nevent: x\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
}

TEST(SseFrame, JobAndGlobalFramesUseTheirIds) {
  jobs::JobEvent e;
  e.job_id = "j1";
  e.id = 3;
  e.global_id = 42;
  e.type = jobs::EventType::kStarted;
  e.status = jobs::JobStatus::kRunning;
  e.data = R"({"total_books":2,"total_bytes":10})";
  EXPECT_EQ(sse_job_frame(e), "id: 3\nevent: started\ndata: {\"total_books\":2,\"total_bytes\":10}\n\n");
  std::string global = sse_global_frame(e);
  EXPECT_EQ(global.rfind("id: 42\nevent: started\ndata: {", 0), 0u) << global;
  EXPECT_NE(global.find("\"job_id\":\"j1\""), std::string::npos);
  EXPECT_NE(global.find("\"status\":\"running\""), std::string::npos);
  EXPECT_EQ(global.substr(global.size() - 2), "\n\n");
}

}  // namespace
}  // namespace epubtok::server
