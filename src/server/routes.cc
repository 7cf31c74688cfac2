#include "server/routes.h"

#include <array>

#include "server/handlers.h"

namespace epubtok::server {
namespace {

using http::verb;
namespace h = handlers;

constexpr std::array kRoutes = {
    Route{verb::get, "/api/health", BodyLimit::kJson, RouteKind::kPlain, h::health},
    Route{verb::get, "/api/models", BodyLimit::kJson, RouteKind::kPlain, h::models},
    Route{verb::post, "/api/process", BodyLimit::kJson, RouteKind::kPlain, h::process},
    Route{verb::post, "/api/results/validate", BodyLimit::kValidate, RouteKind::kPlain, h::validate},
    Route{verb::get, "/api/fs", BodyLimit::kJson, RouteKind::kPlain, h::browse},
    Route{verb::get, "/api/text", BodyLimit::kJson, RouteKind::kPlain, h::chapter_text},
    Route{verb::post, "/api/uploads", BodyLimit::kUpload, RouteKind::kUpload, nullptr},
    Route{verb::get, "/api/events", BodyLimit::kJson, RouteKind::kSse, h::all_events},
    Route{verb::get, "/api/jobs", BodyLimit::kJson, RouteKind::kPlain, h::list_jobs},
    Route{verb::post, "/api/jobs", BodyLimit::kJson, RouteKind::kPlain, h::create_job},
    Route{verb::get, "/api/sse/{id}", BodyLimit::kJson, RouteKind::kSse, h::job_events},
    Route{verb::get, kJobPattern, BodyLimit::kJson, RouteKind::kPlain, h::get_job},
    Route{verb::delete_, kJobPattern, BodyLimit::kJson, RouteKind::kPlain, h::delete_job},
    Route{verb::post, "/api/jobs/{id}/cancel", BodyLimit::kJson, RouteKind::kPlain, h::cancel_job},
    Route{verb::get, kJobEventsPattern, BodyLimit::kJson, RouteKind::kSse, h::job_events},
    Route{verb::get, kJobResultsPattern, BodyLimit::kJson, RouteKind::kPlain, h::results_json},
    Route{verb::get, "/api/jobs/{id}/results.csv", BodyLimit::kJson, RouteKind::kPlain, h::results_csv},
    Route{verb::get, "/api/jobs/{id}/results.md", BodyLimit::kJson, RouteKind::kPlain, h::results_md},
};

constexpr std::string_view kIdParam = "{id}";

// Whether `path` matches `pattern`; sets `id` to the {id} segment.
bool matches(std::string_view pattern, std::string_view path, std::string& id) {
  const size_t param = pattern.find(kIdParam);
  if (param == std::string_view::npos) return pattern == path;
  std::string_view prefix = pattern.substr(0, param);
  std::string_view suffix = pattern.substr(param + kIdParam.size());
  if (path.size() <= prefix.size() + suffix.size() || !path.starts_with(prefix) || !path.ends_with(suffix)) {
    return false;
  }
  std::string_view segment = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
  if (segment.find('/') != std::string_view::npos) return false;
  id = segment;
  return true;
}

bool answers(verb route_method, verb method) {
  return route_method == method || (route_method == verb::get && method == verb::head);
}

}  // namespace

std::span<const Route> api_routes() { return kRoutes; }

RouteMatch match_route(verb method, std::string_view path) {
  RouteMatch match;
  bool path_known = false;
  for (const Route& route : kRoutes) {
    std::string id;
    if (!matches(route.pattern, path, id)) continue;
    if (!path_known) match.limit = route.limit;
    path_known = true;
    if (answers(route.method, method)) {
      match.route = &route;
      match.id = std::move(id);
      match.allow.clear();
      return match;
    }
    if (!match.allow.empty()) match.allow += ", ";
    match.allow += http::to_string(route.method);
  }
  return match;
}

std::string route_path(std::string_view pattern, std::string_view id) {
  std::string path(pattern);
  if (size_t param = path.find(kIdParam); param != std::string::npos) path.replace(param, kIdParam.size(), id);
  return path;
}

}  // namespace epubtok::server
