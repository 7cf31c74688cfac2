#include "server/router.h"

#include <algorithm>
#include <system_error>

#include <boost/json.hpp>

#include "results/json_pretty.h"
#include "results/results_document.h"
#include "server/static_files.h"
#include "tokenizers/info_json.h"
#include "tokenizers/registry.h"

namespace epubtok::server {
namespace json = boost::json;
namespace fs = std::filesystem;
using jobs::JobInfo;
using jobs::JobStatus;

namespace {

constexpr std::string_view kJson = "application/json";

// Keep-alive as HTTP/1.1 defines it (the header type has no accessor).
bool wants_keep_alive(const http::request_header<>& req) {
  std::string connection(req[http::field::connection]);
  for (char& c : connection) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (req.version() >= 11) return connection.find("close") == std::string::npos;
  return connection.find("keep-alive") != std::string::npos;
}

Response make_response(const http::request_header<>& req, http::status status, std::string body,
                       std::string_view type = kJson) {
  Response res{status, req.version() ? req.version() : 11};
  res.keep_alive(wants_keep_alive(req));
  res.set(http::field::content_type, type);
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response json_response(const http::request_header<>& req, http::status status, const json::value& body) {
  return make_response(req, status, json::serialize(body));
}

Response method_not_allowed(const http::request_header<>& req, std::string_view allow) {
  Response res = error_response(req, ErrorCode::kMethodNotAllowed,
                                std::string(req.method_string()) + " is not allowed here; use " + std::string(allow),
                                nullptr, http::status::method_not_allowed);
  res.set(http::field::allow, allow);
  return res;
}

Response status_error(const http::request_header<>& req, const Status& s, json::value details = nullptr) {
  return error_response(req, s.code(), s.message(), std::move(details));
}

json::value time_or_null(const std::optional<int64_t>& ms) {
  if (!ms) return nullptr;
  return json::value(jobs::format_time_ms(*ms));
}

json::object links_for(const std::string& id) {
  std::string self = "/api/jobs/" + id;
  return json::object{{"self", self}, {"events", self + "/events"}, {"results", self + "/results.json"}};
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
Response submit_job(const Request& req, const ApiContext& ctx, jobs::JobRequest request) {
  if (request.paths.size() > ctx.options->max_paths) {
    return error_response(req, ErrorCode::kInvalidArgument,
                          "too many paths (" + std::to_string(request.paths.size()) + "); the limit is " +
                              std::to_string(ctx.options->max_paths));
  }
  for (size_t i = 0; i < request.paths.size(); ++i) {
    auto resolved = ctx.paths->resolve(request.paths[i]);
    if (!resolved) {
      return error_response(req, resolved.status().code(), "paths[" + std::to_string(i) + "]: " + resolved.status().message());
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
    return error_response(req, ErrorCode::kQueueFull, "the job queue is full; retry later", nullptr,
                          http::status::too_many_requests);
  }
  auto job = ctx.jobs->submit(std::move(request));
  if (!job) {
    auto status = job.status().code() == ErrorCode::kQueueFull ? std::optional(http::status::too_many_requests)
                                                                      : std::nullopt;
    return error_response(req, job.status().code(), job.status().message(), nullptr, status);
  }
  json::object body{{"job_id", job->id},
                    {"status", "queued"},
                    {"position", job->position.value_or(1)},
                    {"links", links_for(job->id)}};
  Response res = json_response(req, http::status::accepted, body);
  res.set(http::field::location, "/api/jobs/" + job->id);
  return res;
}

Response handle_create(const Request& req, const ApiContext& ctx) {
  auto body = parse_body(req);
  if (!body) return status_error(req, body.status());
  auto request = jobs::request_from_json(*body);
  if (!request) return status_error(req, request.status());
  return submit_job(req, ctx, std::move(*request));
}

// The original tool's body: {"path","tokenizers","recursive","maxMb"}.
Response handle_process(const Request& req, const ApiContext& ctx) {
  auto body = parse_body(req);
  if (!body) return status_error(req, body.status());
  if (!body->is_object()) return error_response(req, ErrorCode::kInvalidArgument, "the body must be a JSON object");
  const json::object& o = body->as_object();
  json::object mapped;
  const json::value* path = o.if_contains("path");
  if (!path || !path->is_string()) return error_response(req, ErrorCode::kInvalidArgument, "path must be a string");
  mapped["paths"] = json::array{*path};
  if (const json::value* t = o.if_contains("tokenizers"); t && !t->is_null()) {
    mapped["tokenizers"] = *t;
  } else {
    mapped["tokenizers"] = json::array{"o200k_base"};
  }
  if (const json::value* r = o.if_contains("recursive")) mapped["recursive"] = *r;
  if (const json::value* m = o.if_contains("maxMb")) mapped["max_mb"] = *m;
  auto request = jobs::request_from_json(mapped);
  if (!request) return status_error(req, request.status());
  return submit_job(req, ctx, std::move(*request));
}

Response handle_list(const Request& req, const Target& target, const ApiContext& ctx) {
  size_t limit = 50;
  if (auto l = target.param("limit")) {
    auto n = parse_u64(*l);
    if (!n || *n < 1 || *n > 200) return error_response(req, ErrorCode::kInvalidArgument, "limit must be 1..200");
    limit = *n;
  }
  std::optional<uint64_t> cursor;
  if (auto c = target.param("cursor"); c && !c->empty()) {
    cursor = parse_u64(*c);
    if (!cursor) return error_response(req, ErrorCode::kInvalidArgument, "cursor is not valid");
  }
  std::optional<JobStatus> status;
  if (auto s = target.param("status"); s && !s->empty()) {
    status = jobs::parse_job_status(*s);
    if (!status) {
      return error_response(req, ErrorCode::kInvalidArgument,
                            "status must be queued, running, completed, failed, cancelled or interrupted");
    }
  }
  jobs::JobPage page = ctx.jobs->list(status, cursor, limit);
  json::array items;
  for (const auto& j : page.jobs) items.push_back(job_json(j));
  json::object body{{"jobs", std::move(items)}};
  body["next_cursor"] = page.next_cursor ? json::value(std::to_string(*page.next_cursor)) : json::value(nullptr);
  return json_response(req, http::status::ok, body);
}

Response handle_get_job(const Request& req, const std::string& id, const ApiContext& ctx) {
  auto job = ctx.jobs->get(id);
  if (!job) return status_error(req, job.status());
  json::object body = job_json(*job);
  auto results = ctx.jobs->results(id);
  if (!results) return status_error(req, results.status());
  body["summary"] = results->at("summary");
  body["results"] = std::move(*results);
  return json_response(req, http::status::ok, body);
}

Response handle_download(const Request& req, const std::string& id, std::string_view format, const ApiContext& ctx) {
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
    if (!parsed) return status_error(req, Status(ErrorCode::kInternal, "stored results: " + parsed.status().message()));
    text = format == "csv" ? results::to_csv(*parsed) : results::to_markdown(*parsed);
    type = format == "csv" ? "text/csv; charset=utf-8" : "text/markdown; charset=utf-8";
  }
  Response res = make_response(req, http::status::ok, std::move(text), type);
  res.set(http::field::content_disposition, "attachment; filename=\"" + name + "\"");
  return res;
}

Response handle_validate(const Request& req) {
  auto doc = results::parse_results(req.body());
  if (!doc) {
    const Status& s = doc.status();
    json::value details = nullptr;
    if (s.code() == ErrorCode::kInvalidSchema) {
      json::array problems;
      size_t start = 0;
      const std::string& m = s.message();
      while (start < m.size()) {
        size_t end = m.find('\n', start);
        if (end == std::string::npos) end = m.size();
        if (end > start) problems.emplace_back(m.substr(start, end - start));
        start = end + 1;
      }
      details = json::object{{"problems", std::move(problems)}};
    }
    return error_response(req, s.code(), s.message(), std::move(details));
  }
  return make_response(req, http::status::ok, json::serialize(results::to_json(*doc)));
}

size_t count_epubs(const fs::path& dir) {
  size_t n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".epub" && e.is_regular_file(ec)) ++n;
  }
  return n;
}

Response handle_fs(const Request& req, const Target& target, const ApiContext& ctx) {
  json::object body;
  json::array entries;
  auto path = target.param("path");
  if (!path || path->empty()) {
    // The roots themselves.
    for (const auto& root : ctx.paths->roots()) {
      std::error_code ec;
      if (!fs::is_directory(root, ec)) continue;
      entries.push_back(json::object{{"name", root.filename().string()},
                                     {"path", root.string()},
                                     {"kind", "dir"},
                                     {"epub_count", count_epubs(root)}});
    }
    body["path"] = nullptr;
    body["parent"] = nullptr;
    body["entries"] = std::move(entries);
    return json_response(req, http::status::ok, body);
  }
  auto resolved = ctx.paths->resolve(*path);
  if (!resolved) return status_error(req, resolved.status());
  fs::path dir(*resolved);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return error_response(req, ErrorCode::kFileNotFound, "'" + *path + "' is not a folder in the library");
  }
  std::vector<json::object> dirs, files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.') continue;
    // Entries whose target (after symlinks) leaves the roots are not shown.
    if (!ctx.paths->check_inside(e.path().string())) continue;
    std::error_code ec2;
    if (e.is_directory(ec2)) {
      dirs.push_back(json::object{{"name", name}, {"path", e.path().string()}, {"kind", "dir"},
                                  {"epub_count", count_epubs(e.path())}});
    } else if (e.path().extension() == ".epub" && e.is_regular_file(ec2)) {
      files.push_back(json::object{{"name", name}, {"path", e.path().string()}, {"kind", "epub"},
                                   {"size", e.file_size(ec2)}});
    }
  }
  auto by_name = [](const json::object& a, const json::object& b) {
    return a.at("name").as_string() < b.at("name").as_string();
  };
  std::sort(dirs.begin(), dirs.end(), by_name);
  std::sort(files.begin(), files.end(), by_name);
  for (auto& d : dirs) entries.push_back(std::move(d));
  for (auto& f : files) entries.push_back(std::move(f));
  body["path"] = dir.string();
  json::value parent = nullptr;
  if (dir.has_parent_path() && ctx.paths->check_inside(dir.parent_path().string()) &&
      dir.parent_path() != dir) {
    parent = json::value(dir.parent_path().string());
  }
  body["parent"] = parent;
  body["epub_count"] = files.size();
  body["entries"] = std::move(entries);
  return json_response(req, http::status::ok, body);
}

Response handle_models(const Request& req, const ApiContext& ctx) {
  json::array models;
  for (const auto& info : ctx.list_models()) models.push_back(tokenizers::info_to_json(info));
  return json_response(req, http::status::ok, json::object{{"models", std::move(models)}});
}

Response handle_health(const Request& req, const ApiContext& ctx) {
  auto counts = ctx.jobs->counts();
  // Whole seconds: Boost.JSON writes doubles in exponent form ("4.8E0"),
  // valid JSON but not the plain number clients and humans expect.
  int64_t uptime =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - ctx.started_at).count();
  return json_response(req, http::status::ok,
                       json::object{{"status", "ok"},
                                    {"version", EPUBTOK_VERSION},
                                    {"uptime_s", uptime},
                                    {"queue", json::object{{"running", counts.running}, {"queued", counts.queued}}}});
}

RouteResult sse_route(const Request& req, const Target& target, std::string job_id, const ApiContext& ctx) {
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
    if (!job) return {status_error(req, job.status()), std::nullopt};
  }
  Response head{http::status::ok, req.version()};
  head.set(http::field::content_type, "text/event-stream");
  head.set(http::field::cache_control, "no-cache");
  head.set(http::field::connection, "keep-alive");
  head.set("X-Accel-Buffering", "no");
  return {std::move(head), SseTarget{std::move(job_id), last}};
}

RouteResult route_api(const Request& req, const Target& target, const ApiContext& ctx) {
  const std::string& p = target.path;
  const auto method = req.method();
  const bool get = method == http::verb::get || method == http::verb::head;
  auto only = [&](bool ok, std::string_view allow, auto&& handler) -> RouteResult {
    if (!ok) return {method_not_allowed(req, allow), std::nullopt};
    return {handler(), std::nullopt};
  };

  if (p == "/api/health") return only(get, "GET", [&] { return handle_health(req, ctx); });
  if (p == "/api/models") return only(get, "GET", [&] { return handle_models(req, ctx); });
  if (p == "/api/process") return only(method == http::verb::post, "POST", [&] { return handle_process(req, ctx); });
  if (p == "/api/results/validate") {
    return only(method == http::verb::post, "POST", [&] { return handle_validate(req); });
  }
  if (p == "/api/fs") return only(get, "GET", [&] { return handle_fs(req, target, ctx); });
  if (p == "/api/uploads") {
    // The session streams upload bodies itself; reaching here means a
    // method other than POST.
    return {method_not_allowed(req, "POST"), std::nullopt};
  }
  if (p == "/api/events") {
    if (!get) return {method_not_allowed(req, "GET"), std::nullopt};
    return sse_route(req, target, "", ctx);
  }
  if (p == "/api/jobs") {
    if (method == http::verb::post) return {handle_create(req, ctx), std::nullopt};
    return only(get, "GET, POST", [&] { return handle_list(req, target, ctx); });
  }
  constexpr std::string_view kSse = "/api/sse/";
  if (p.rfind(kSse, 0) == 0 && p.find('/', kSse.size()) == std::string::npos && p.size() > kSse.size()) {
    if (!get) return {method_not_allowed(req, "GET"), std::nullopt};
    return sse_route(req, target, p.substr(kSse.size()), ctx);
  }
  constexpr std::string_view kJobs = "/api/jobs/";
  if (p.rfind(kJobs, 0) == 0 && p.size() > kJobs.size()) {
    std::string rest = p.substr(kJobs.size());
    size_t slash = rest.find('/');
    std::string id = rest.substr(0, slash);
    std::string sub = slash == std::string::npos ? "" : rest.substr(slash + 1);
    if (sub.empty()) {
      if (method == http::verb::delete_) {
        Status s = ctx.jobs->remove(id);
        if (!s) {
          auto status = s.code() == ErrorCode::kJobRunning ? std::optional(http::status::conflict) : std::nullopt;
          return {error_response(req, s.code(), s.message(), nullptr, status), std::nullopt};
        }
        Response res = make_response(req, http::status::no_content, "");
        res.erase(http::field::content_type);
        return {std::move(res), std::nullopt};
      }
      return only(get, "GET, DELETE", [&] { return handle_get_job(req, id, ctx); });
    }
    if (sub == "cancel") {
      return only(method == http::verb::post, "POST", [&] {
        auto outcome = ctx.jobs->cancel(id);
        if (!outcome) return status_error(req, outcome.status());
        return json_response(
            req, http::status::ok,
            json::object{{"job_id", id},
                         {"status", *outcome == jobs::CancelOutcome::kCancelled ? "cancelled" : "cancel_requested"}});
      });
    }
    if (sub == "events") {
      if (!get) return {method_not_allowed(req, "GET"), std::nullopt};
      return sse_route(req, target, id, ctx);
    }
    for (std::string_view format : {"json", "csv", "md"}) {
      if (sub == "results." + std::string(format)) {
        return only(get, "GET", [&] { return handle_download(req, id, format, ctx); });
      }
    }
  }
  return {error_response(req, ErrorCode::kNotFound, "no API endpoint " + p, nullptr, http::status::not_found),
          std::nullopt};
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

void use_global_registry(ApiContext& ctx) {
  ctx.list_models = [] { return tokenizers::Registry::global().list(); };
  ctx.canonical_tokenizer = [](std::string_view name) { return tokenizers::Registry::global().canonical_id(name); };
}

std::optional<std::string> Target::param(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return v;
  }
  return std::nullopt;
}

std::optional<Target> parse_target(std::string_view target) {
  Target t;
  size_t q = target.find('?');
  auto path = percent_decode(target.substr(0, q), false);
  if (!path) return std::nullopt;
  t.path = std::move(*path);
  if (q != std::string_view::npos) {
    std::string_view query = target.substr(q + 1);
    while (!query.empty()) {
      size_t amp = query.find('&');
      std::string_view pair = query.substr(0, amp);
      size_t eq = pair.find('=');
      auto key = percent_decode(pair.substr(0, eq), true);
      auto value = percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
      if (!key || !value) return std::nullopt;
      if (!key->empty()) t.query.emplace_back(std::move(*key), std::move(*value));
      if (amp == std::string_view::npos) break;
      query.remove_prefix(amp + 1);
    }
  }
  return t;
}

http::status status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kPathOutsideLibrary: return http::status::forbidden;
    case ErrorCode::kJobNotFound:
    case ErrorCode::kFileNotFound: return http::status::not_found;
    case ErrorCode::kJobFinished: return http::status::conflict;
    case ErrorCode::kInternal:
    case ErrorCode::kIoError: return http::status::internal_server_error;
    default: return http::status::bad_request;
  }
}

Response error_response(const http::request_header<>& req, ErrorCode code, std::string message, json::value details,
                        std::optional<http::status> status) {
  json::object body{{"error", json::object{{"code", error_code_name(code)},
                                           {"message", std::move(message)},
                                           {"details", std::move(details)}}}};
  return make_response(req, status.value_or(status_for(code)), json::serialize(body));
}

void add_cors(Response& res, const http::request_header<>& req, const ApiContext& ctx) {
  const std::string& allowed = ctx.options->cors_origin;
  if (allowed.empty()) return;
  auto origin = req[http::field::origin];
  if (origin.empty() || (allowed != "*" && origin != allowed)) return;
  res.set(http::field::access_control_allow_origin, allowed == "*" ? "*" : std::string(origin));
  res.set(http::field::vary, "Origin");
  res.set(http::field::access_control_expose_headers, "Location, Last-Event-ID");
}

std::optional<Response> check_host(const http::request_header<>& req, const ApiContext& ctx) {
  std::string_view host = req[http::field::host];
  // Strip the port: "[::1]:8787" → "[::1]", "localhost:8787" → "localhost".
  std::string_view name = host;
  if (!name.empty() && name.front() == '[') {
    size_t close = name.find(']');
    name = close == std::string_view::npos ? std::string_view() : name.substr(0, close + 1);
  } else if (size_t colon = name.rfind(':'); colon != std::string_view::npos) {
    name = name.substr(0, colon);
  }
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "localhost" || lower == "127.0.0.1" || lower == "[::1]" || lower == ctx.options->host) {
    return std::nullopt;
  }
  return error_response(req, ErrorCode::kHostNotAllowed,
                        "Host header not allowed (this server answers to localhost and 127.0.0.1 only)", nullptr,
                        http::status::forbidden);
}

RouteResult route(const Request& req, const ApiContext& ctx) {
  if (auto refused = check_host(req, ctx)) return {std::move(*refused), std::nullopt};
  auto target = parse_target(req.target());
  RouteResult result;
  if (!target || target->path.empty() || target->path.front() != '/' ||
      target->path.find('\0') != std::string::npos) {
    result.response = error_response(req, ErrorCode::kInvalidPath, "malformed request target");
  } else if (req.method() == http::verb::options && !ctx.options->cors_origin.empty()) {
    Response res = make_response(req, http::status::no_content, "");
    res.erase(http::field::content_type);
    res.set(http::field::access_control_allow_methods, "GET, POST, DELETE, OPTIONS");
    res.set(http::field::access_control_allow_headers, "Content-Type, Last-Event-ID, X-File-Name");
    res.set(http::field::access_control_max_age, "600");
    result.response = std::move(res);
  } else if (target->path == "/api" || target->path.rfind("/api/", 0) == 0) {
    try {
      result = route_api(req, *target, ctx);
    } catch (const std::exception& e) {
      result.response = error_response(req, ErrorCode::kInternal, std::string("internal error: ") + e.what());
      result.sse.reset();
    }
  } else if (req.method() == http::verb::get || req.method() == http::verb::head) {
    result.response = serve_static(ctx.options->web_root, target->path, req.version(), req.keep_alive(),
                                   req.method() == http::verb::head);
  } else {
    result.response = method_not_allowed(req, "GET, HEAD");
  }
  add_cors(result.response, req, ctx);
  return result;
}

Response finish_upload(const http::request_header<>& req, UploadArea::Pending& pending, const ApiContext& ctx) {
  std::string name;
  if (auto target = parse_target(req.target())) name = target->param("name").value_or("");
  if (name.empty()) name = std::string(req["X-File-Name"]);
  auto stored = ctx.uploads->finish(pending, req[http::field::content_type], name);
  Response res;
  if (stored) {
    // The first file's fields at the top level keep the one-file answer
    // (what the web UI reads); `uploads` lists every file of a form.
    auto item = [](const UploadInfo& info) {
      return json::object{{"upload_id", info.upload_id}, {"file_name", info.file_name}, {"size", info.size}};
    };
    json::object body = item(stored->front());
    json::array all;
    for (const auto& info : *stored) all.push_back(item(info));
    body["uploads"] = std::move(all);
    res = json_response(req, http::status::created, body);
  } else {
    res = error_response(req, stored.status().code(), stored.status().message(), nullptr,
                         stored.status().code() == ErrorCode::kPayloadTooLarge
                             ? std::optional(http::status::payload_too_large)
                             : std::nullopt);
  }
  add_cors(res, req, ctx);
  return res;
}

}  // namespace epubtok::server
