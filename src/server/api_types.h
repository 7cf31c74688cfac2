// The types shared by the router, the route table, the handlers and the
// HTTP sessions: requests and responses, what the router needs of the
// running server, and a parsed request target.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/beast/http.hpp>

#include "core/status.h"
#include "jobs/job_manager.h"
#include "server/path_policy.h"
#include "server/server_options.h"
#include "server/upload_area.h"
#include "tokenizers/tokenizer.h"

namespace epubtok::server {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// What the router needs from the running server. The referenced objects
// must outlive every route() call.
struct ApiContext {
  const ServerOptions* options = nullptr;
  jobs::JobManager* jobs = nullptr;
  const PathPolicy* paths = nullptr;
  UploadArea* uploads = nullptr;
  std::chrono::steady_clock::time_point started_at = std::chrono::steady_clock::now();
  // The port actually bound (for the Host check when --port 0).
  uint16_t port = 0;
  // The tokenizer catalogue; default: tokenizers::Registry::global().
  std::function<std::vector<tokenizers::TokenizerInfo>()> list_models;
  std::function<Result<std::string>(std::string_view)> canonical_tokenizer;
};

struct SseTarget {
  std::string job_id;  // empty: all jobs (GET /api/events)
  std::optional<uint64_t> last_event_id;
};

// Not a bugprone-exception-escape: the implicit move-assignment reaches
// Beast's fields clear_all(), whose realloc_string() can allocate; clearing
// passes an empty string, which only frees.
// NOLINTNEXTLINE(bugprone-exception-escape)
struct RouteResult {
  Response response;             // the answer, or the SSE response head
  std::optional<SseTarget> sse;  // set: the session streams events after the head
};

// "/api/jobs?x=1" → path "/api/jobs" and decoded query parameters.
struct Target {
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  std::optional<std::string> param(std::string_view name) const;
};
// Percent-decodes the path and the query ('+' is a space in the query).
// nullopt for malformed escapes.
std::optional<Target> parse_target(std::string_view target);

}  // namespace epubtok::server
