// The HTTP API as a pure function from request to response, so every
// endpoint, status code and error body is testable without sockets.
//
// Streaming endpoints cannot be a single response: for SSE the router
// validates the request and returns an SseTarget that the session serves;
// uploads are streamed to disk by the session before finish_upload() builds
// the response.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http.hpp>
#include <boost/json/value.hpp>

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

// Fills list_models / canonical_tokenizer from the global registry.
void use_global_registry(ApiContext& ctx);

struct SseTarget {
  std::string job_id;  // empty: all jobs (GET /api/events)
  std::optional<uint64_t> last_event_id;
};

struct RouteResult {
  Response response;              // the answer, or the SSE response head
  std::optional<SseTarget> sse;   // set: the session streams events after the head
};

// The DNS-rebinding guard: nullopt when the Host header names the bound
// host, localhost, 127.0.0.1 or [::1] (any port), else a 403 response.
std::optional<Response> check_host(const http::request_header<>& header, const ApiContext& ctx);

// Routes one request whose body has been read. Never throws.
RouteResult route(const Request& request, const ApiContext& ctx);

// The response to POST /api/uploads once the body is on disk.
Response finish_upload(const http::request_header<>& header, UploadArea::Pending& pending, const ApiContext& ctx);

// The common error body {"error":{"code","message","details"}} with the
// status that fits `code` (400/403/404/409/500) unless `status` is given.
Response error_response(const http::request_header<>& header, ErrorCode code, std::string message,
                        boost::json::value details = nullptr,
                        std::optional<http::status> status = std::nullopt);
// The HTTP status for an error code.
http::status status_for(ErrorCode code);

// Adds CORS headers when --cors-origin is set and matches the request's Origin.
void add_cors(Response& response, const http::request_header<>& header, const ApiContext& ctx);

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
