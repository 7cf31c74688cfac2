// Server-Sent Events wire format (https://html.spec.whatwg.org/multipage/server-sent-events.html).
#pragma once

#include <string>
#include <string_view>

#include "jobs/job.h"

namespace epubtok::server {

// One event frame: "id: <id>\nevent: <type>\ndata: <json>\n\n". `data` is
// one-line JSON (Boost.JSON never emits raw newlines); any CR/LF that did
// get in is split into further data: lines, which a client joins back.
std::string sse_frame(uint64_t id, std::string_view type, std::string_view data);

// The frame of a job event on its job's stream (per-job id) or on the
// all-jobs stream (global id, payload with job_id and status).
std::string sse_job_frame(const jobs::JobEvent& event);
std::string sse_global_frame(const jobs::JobEvent& event);

// The first bytes of every stream: the reconnect delay.
inline constexpr std::string_view kSseRetry = "retry: 3000\n\n";
// A comment line that keeps proxies and idle timers from closing the stream.
inline constexpr std::string_view kSseHeartbeat = ": heartbeat\n\n";

}  // namespace epubtok::server
