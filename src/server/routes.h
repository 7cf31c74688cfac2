// The route table: every API endpoint, once, with its method, path
// pattern, body limit, kind and handler. The router (router.h) takes the
// handler from it; the HTTP session (http_session.h) takes the kind and the
// body limit from it before it reads the body. Nothing else lists
// endpoints.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "server/api_types.h"

namespace epubtok::server {

// How the session reads the request and answers.
enum class RouteKind {
  kPlain,   // body read into memory; one response
  kUpload,  // body streamed to the upload area (UploadReceiver)
  kSse,     // one response head, then an event stream (SseStream)
};

// Which limit applies to the request body.
enum class BodyLimit {
  kJson,      // ServerOptions::max_body_bytes
  kValidate,  // ServerOptions::max_validate_bytes
  kUpload,    // the upload area's per-file limit and free space
};

// The path's {id} segment and the parsed target.
struct RouteArgs {
  const Target& target;
  std::string id;
};

using Handler = RouteResult (*)(const Request& request, const RouteArgs& args, const ApiContext& ctx);

struct Route {
  http::verb method;         // a GET route also answers HEAD
  std::string_view pattern;  // "/api/jobs/{id}/events": {id} is one non-empty segment without '/'
  BodyLimit limit;
  RouteKind kind;
  Handler handler;  // nullptr for kUpload: finish_upload() answers once the body is on disk
};

// Every API route, in the order an Allow header lists a path's methods.
std::span<const Route> api_routes();

struct RouteMatch {
  const Route* route = nullptr;        // the route for the method and path; nullptr: none
  std::string id;                      // its {id} segment
  std::string allow;                   // when only the method did not match: the path's methods, "GET, POST"
  BodyLimit limit = BodyLimit::kJson;  // the path's body limit (whatever the method)
};

// Looks `method` and the decoded `path` up in the table.
RouteMatch match_route(http::verb method, std::string_view path);

// The patterns that responses link to (a job's links, a new job's Location);
// the table holds the same constants.
inline constexpr std::string_view kJobPattern = "/api/jobs/{id}";
inline constexpr std::string_view kJobEventsPattern = "/api/jobs/{id}/events";
inline constexpr std::string_view kJobResultsPattern = "/api/jobs/{id}/results.json";

// `pattern` with its {id} replaced by `id` (which is not escaped: job ids
// are URL-safe).
std::string route_path(std::string_view pattern, std::string_view id);

}  // namespace epubtok::server
