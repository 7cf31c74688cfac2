// The job endpoints: submitting (POST /api/jobs and the original tool's
// POST /api/process), listing, one job, its downloads, cancel, delete, and
// the heads of the event streams.
#include <cstdint>

#include <filesystem>
#include <system_error>

#include <boost/json.hpp>

#include "results/json_pretty.h"
#include "results/results_document.h"
#include "server/handlers.h"
#include "server/responses.h"
#include "server/routes.h"

namespace epubtok::server::handlers {
namespace json = boost::json;
using jobs::JobInfo;
using jobs::JobStatus;

namespace {

RouteResult plain(Response response) { return {std::move(response), std::nullopt}; }

json::value time_or_null(const std::optional<int64_t>& ms) {
  if (!ms) return nullptr;
  return json::value(jobs::format_time_ms(*ms));
}

json::object links_for(const std::string& id) {
  return json::object{{"self", route_path(kJobPattern, id)},
                      {"events", route_path(kJobEventsPattern, id)},
                      {"results", route_path(kJobResultsPattern, id)}};
}

json::object job_json(const JobInfo& j) {
  json::object o;
  o["job_id"] = j.id;
  o["status"] = jobs::to_string(j.status);
  o["cancel_requested"] = j.cancel_requested;
  o["position"] = j.position ? json::value(*j.position) : json::value(nullptr);
  o["created_at"] = jobs::format_time_ms(j.created_ms);
  o["started_at"] = time_or_null(j.started_ms);
  o["finished_at"] = time_or_null(j.finished_ms);
  o["request"] = jobs::request_to_json(j.request);
  o["progress"] = jobs::progress_to_json(j.progress);
  if (j.error) {
    o["error"] = json::object{{"code", j.error->code}, {"message", j.error->message}};
  } else {
    o["error"] = nullptr;
  }
  o["links"] = links_for(j.id);
  return o;
}

Result<json::value> parse_body(const Request& req) {
  boost::system::error_code ec;
  json::value v = json::parse(req.body(), ec);
  if (ec) return Result<json::value>(ErrorCode::kInvalidJson, "the body is not valid JSON: " + ec.message());
  return v;
}

std::optional<uint64_t> parse_u64(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

// Shared by POST /api/jobs and /api/process: checks paths and tokenizers,
// then queues.
Response submit_job(const Request& req, const ApiContext& ctx, model::RunRequest request) {
  if (request.paths.size() > ctx.options->max_paths) {
    return error_response(req, ErrorCode::kInvalidArgument,
                          "too many paths (" + std::to_string(request.paths.size()) + "); the limit is " +
                              std::to_string(ctx.options->max_paths));
  }
  for (size_t i = 0; i < request.paths.size(); ++i) {
    auto resolved = ctx.paths->resolve(request.paths[i]);
    if (!resolved) {
      return error_response(req, resolved.status().code(),
                            "paths[" + std::to_string(i) + "]: " + resolved.status().message());
    }
    // A mistyped folder is refused here, before a job exists: counted, it
    // would "complete" with one pretend FILE_NOT_FOUND book.
    std::error_code ec;
    if (!std::filesystem::exists(*resolved, ec)) {
      return error_response(req, ErrorCode::kFileNotFound,
                            "paths[" + std::to_string(i) + "]: no such file or folder: " + request.paths[i], nullptr,
                            http::status::bad_request);
    }
    request.paths[i] = std::move(*resolved);
  }
  for (auto& name : request.tokenizers) {
    auto id = ctx.canonical_tokenizer(name);
    if (!id) {
      json::array valid;
      for (const auto& info : ctx.list_models()) valid.emplace_back(info.id);
      return error_response(req, ErrorCode::kUnknownTokenizer, "unknown tokenizer '" + name + "'",
                            json::object{{"valid", std::move(valid)}});
    }
    name = std::move(*id);
  }
  if (ctx.jobs->queue_full()) {
    return error_response(req, ErrorCode::kQueueFull, "the job queue is full; retry later");
  }
  auto job = ctx.jobs->submit(std::move(request));
  if (!job) return status_error(req, job.status());
  json::object body{{"job_id", job->id},
                    {"status", jobs::to_string(jobs::JobStatus::kQueued)},
                    {"position", job->position.value_or(1)},
                    {"links", links_for(job->id)}};
  Response res = json_response(req, http::status::accepted, body);
  res.set(http::field::location, route_path(kJobPattern, job->id));
  return res;
}

Response download(const Request& req, const std::string& id, std::string_view format, const ApiContext& ctx) {
  auto doc = ctx.jobs->results(id);
  if (!doc) return status_error(req, doc.status());
  std::string name = "epubtok-" + id + "." + std::string(format);
  std::string text;
  std::string_view type;
  if (format == "json") {
    text = results::pretty_json(*doc) + "\n";
    type = "application/json";
  } else {
    // CSV and Markdown come from the results module's renderers, fed by
    // its own reader so the downloads match `epubtok count` exactly.
    auto parsed = results::parse_results(json::serialize(*doc));
    if (!parsed) {
      return status_error(req, Status(ErrorCode::kInternal, "stored results: " + parsed.status().message()));
    }
    text = format == "csv" ? results::to_csv(*parsed) : results::to_markdown(*parsed);
    type = format == "csv" ? "text/csv; charset=utf-8" : "text/markdown; charset=utf-8";
  }
  Response res = make_response(req, http::status::ok, std::move(text), type);
  res.set(http::field::content_disposition, "attachment; filename=\"" + name + "\"");
  return res;
}

// The head of an event stream for `job_id` (empty: all jobs), resuming
// after the Last-Event-ID header or the last_event_id query parameter.
RouteResult sse_head(const Request& req, const Target& target, std::string job_id, const ApiContext& ctx) {
  std::optional<uint64_t> last;
  auto header = req["Last-Event-ID"];
  if (!header.empty()) {
    last = parse_u64(header);
    if (!last) last = UINT64_MAX;  // unparsable: treated as unknown (full replay)
  } else if (auto q = target.param("last_event_id"); q && !q->empty()) {
    last = parse_u64(*q);
    if (!last) last = UINT64_MAX;
  }
  if (!job_id.empty()) {
    auto job = ctx.jobs->get(job_id);
    if (!job) return plain(status_error(req, job.status()));
  }
  Response head{http::status::ok, req.version()};
  head.set(http::field::content_type, "text/event-stream");
  head.set(http::field::cache_control, "no-cache");
  head.set(http::field::connection, "keep-alive");
  head.set("X-Accel-Buffering", "no");
  return {std::move(head), SseTarget{std::move(job_id), last}};
}

}  // namespace

RouteResult create_job(const Request& req, const RouteArgs&, const ApiContext& ctx) {
  auto body = parse_body(req);
  if (!body) return plain(status_error(req, body.status()));
  auto request = jobs::request_from_json(*body);
  if (!request) return plain(status_error(req, request.status()));
  return plain(submit_job(req, ctx, std::move(*request)));
}

// The original tool's body: {"path","tokenizers","recursive","maxMb"}.
RouteResult process(const Request& req, const RouteArgs&, const ApiContext& ctx) {
  auto body = parse_body(req);
  if (!body) return plain(status_error(req, body.status()));
  if (!body->is_object()) {
    return plain(error_response(req, ErrorCode::kInvalidArgument, "the body must be a JSON object"));
  }
  const json::object& o = body->as_object();
  json::object mapped;
  const json::value* path = o.if_contains("path");
  if (!path || !path->is_string()) {
    return plain(error_response(req, ErrorCode::kInvalidArgument, "path must be a string"));
  }
  mapped["paths"] = json::array{*path};
  if (const json::value* t = o.if_contains("tokenizers"); t && !t->is_null()) {
    mapped["tokenizers"] = *t;
  } else {
    mapped["tokenizers"] = json::array{"o200k_base"};
  }
  if (const json::value* r = o.if_contains("recursive")) mapped["recursive"] = *r;
  if (const json::value* m = o.if_contains("maxMb")) mapped["max_mb"] = *m;
  auto request = jobs::request_from_json(mapped);
  if (!request) return plain(status_error(req, request.status()));
  return plain(submit_job(req, ctx, std::move(*request)));
}

RouteResult list_jobs(const Request& req, const RouteArgs& args, const ApiContext& ctx) {
  size_t limit = 50;
  if (auto l = args.target.param("limit")) {
    auto n = parse_u64(*l);
    if (!n || *n < 1 || *n > 200)
      return plain(error_response(req, ErrorCode::kInvalidArgument, "limit must be 1..200"));
    limit = *n;
  }
  std::optional<uint64_t> cursor;
  if (auto c = args.target.param("cursor"); c && !c->empty()) {
    cursor = parse_u64(*c);
    if (!cursor) return plain(error_response(req, ErrorCode::kInvalidArgument, "cursor is not valid"));
  }
  std::optional<JobStatus> status;
  if (auto s = args.target.param("status"); s && !s->empty()) {
    status = jobs::parse_job_status(*s);
    if (!status) {
      return plain(error_response(req, ErrorCode::kInvalidArgument,
                                  "status must be queued, running, completed, failed, cancelled or interrupted"));
    }
  }
  jobs::JobPage page = ctx.jobs->list(status, cursor, limit);
  json::array items;
  for (const auto& j : page.jobs) items.push_back(job_json(j));
  json::object body{{"jobs", std::move(items)}};
  body["next_cursor"] = page.next_cursor ? json::value(std::to_string(*page.next_cursor)) : json::value(nullptr);
  return plain(json_response(req, http::status::ok, body));
}

RouteResult get_job(const Request& req, const RouteArgs& args, const ApiContext& ctx) {
  auto job = ctx.jobs->get(args.id);
  if (!job) return plain(status_error(req, job.status()));
  json::object body = job_json(*job);
  auto results = ctx.jobs->results(args.id);
  if (!results) return plain(status_error(req, results.status()));
  body["summary"] = results->at("summary");
  body["results"] = std::move(*results);
  return plain(json_response(req, http::status::ok, body));
}

RouteResult delete_job(const Request& req, const RouteArgs& args, const ApiContext& ctx) {
  if (Status s = ctx.jobs->remove(args.id); !s) return plain(status_error(req, s));
  Response res = make_response(req, http::status::no_content, "");
  res.erase(http::field::content_type);
  return plain(std::move(res));
}

RouteResult cancel_job(const Request& req, const RouteArgs& args, const ApiContext& ctx) {
  auto outcome = ctx.jobs->cancel(args.id);
  if (!outcome) return plain(status_error(req, outcome.status()));
  return plain(json_response(
      req, http::status::ok,
      json::object{{"job_id", args.id},
                   {"status", *outcome == jobs::CancelOutcome::kCancelled ? "cancelled" : "cancel_requested"}}));
}

RouteResult results_json(const Request& req, const RouteArgs& args, const ApiContext& ctx) {
  return plain(download(req, args.id, "json", ctx));
}
RouteResult results_csv(const Request& req, const RouteArgs& args, const ApiContext& ctx) {
  return plain(download(req, args.id, "csv", ctx));
}
RouteResult results_md(const Request& req, const RouteArgs& args, const ApiContext& ctx) {
  return plain(download(req, args.id, "md", ctx));
}

RouteResult job_events(const Request& req, const RouteArgs& args, const ApiContext& ctx) {
  return sse_head(req, args.target, args.id, ctx);
}
RouteResult all_events(const Request& req, const RouteArgs& args, const ApiContext& ctx) {
  return sse_head(req, args.target, "", ctx);
}

}  // namespace epubtok::server::handlers
