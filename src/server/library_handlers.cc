// The endpoints around the library: health, the tokenizer catalogue,
// browsing the library folders, validating a results document, and the
// answer to an upload once its body is on disk.
#include <algorithm>
#include <filesystem>
#include <system_error>

#include <boost/json.hpp>

#include "results/results_document.h"
#include "server/handlers.h"
#include "server/responses.h"
#include "server/router.h"
#include "server/text_page.h"
#include "tokenizers/info_json.h"

namespace epubtok::server {
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

RouteResult plain(Response response) { return {std::move(response), std::nullopt}; }

// A query value of decimal digits only, without overflow.
std::optional<uint64_t> query_u64(std::optional<std::string> v) {
  if (!v || v->empty() || v->size() > 19) return std::nullopt;
  uint64_t n = 0;
  for (char c : *v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

size_t count_epubs(const fs::path& dir) {
  size_t n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".epub" && e.is_regular_file(ec)) ++n;
  }
  return n;
}

}  // namespace

namespace handlers {

RouteResult health(const Request& req, const RouteArgs&, const ApiContext& ctx) {
  auto counts = ctx.jobs->counts();
  // Whole seconds: Boost.JSON writes doubles in exponent form ("4.8E0"),
  // valid JSON but not the plain number clients and humans expect.
  int64_t uptime =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - ctx.started_at).count();
  return plain(
      json_response(req, http::status::ok,
                    json::object{{"status", "ok"},
                                 {"version", EPUBTOK_VERSION},
                                 {"uptime_s", uptime},
                                 {"queue", json::object{{"running", counts.running}, {"queued", counts.queued}}}}));
}

RouteResult models(const Request& req, const RouteArgs&, const ApiContext& ctx) {
  json::array models;
  for (const auto& info : ctx.list_models()) models.push_back(tokenizers::info_to_json(info));
  return plain(json_response(req, http::status::ok, json::object{{"models", std::move(models)}}));
}

RouteResult validate(const Request& req, const RouteArgs&, const ApiContext&) {
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
    return plain(error_response(req, s.code(), s.message(), std::move(details)));
  }
  return plain(make_response(req, http::status::ok, json::serialize(results::to_json(*doc))));
}

RouteResult browse(const Request& req, const RouteArgs& args, const ApiContext& ctx) {
  json::object body;
  json::array entries;
  auto path = args.target.param("path");
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
    return plain(json_response(req, http::status::ok, body));
  }
  auto resolved = ctx.paths->resolve(*path);
  if (!resolved) return plain(status_error(req, resolved.status()));
  fs::path dir(*resolved);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return plain(error_response(req, ErrorCode::kFileNotFound, "'" + *path + "' is not a folder in the library"));
  }
  std::vector<json::object> dirs, files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.') continue;
    // Entries whose target (after symlinks) leaves the roots are not shown.
    if (!ctx.paths->check_inside(e.path().string())) continue;
    std::error_code ec2;
    if (e.is_directory(ec2)) {
      dirs.push_back(json::object{
          {"name", name}, {"path", e.path().string()}, {"kind", "dir"}, {"epub_count", count_epubs(e.path())}});
    } else if (e.path().extension() == ".epub" && e.is_regular_file(ec2)) {
      files.push_back(
          json::object{{"name", name}, {"path", e.path().string()}, {"kind", "epub"}, {"size", e.file_size(ec2)}});
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
  if (dir.has_parent_path() && ctx.paths->check_inside(dir.parent_path().string()) && dir.parent_path() != dir) {
    parent = json::value(dir.parent_path().string());
  }
  body["parent"] = parent;
  body["epub_count"] = files.size();
  body["entries"] = std::move(entries);
  return plain(json_response(req, http::status::ok, body));
}

// GET /api/text?path=&chapter=&offset=&limit=: one page of a chapter's text
// (text_page.h). A book that cannot be read answers its own code.
RouteResult chapter_text(const Request& req, const RouteArgs& args, const ApiContext& ctx) {
  TextPageRequest r;
  auto path = args.target.param("path");
  if (!path || path->empty()) return plain(error_response(req, ErrorCode::kInvalidArgument, "path is required"));
  r.path = *path;
  auto chapter = query_u64(args.target.param("chapter"));
  if (!chapter) {
    return plain(error_response(req, ErrorCode::kInvalidArgument, "chapter must be a chapter index (0, 1, …)"));
  }
  r.chapter = *chapter;
  if (auto o = args.target.param("offset"); o && !o->empty()) {
    auto v = query_u64(o);
    if (!v) return plain(error_response(req, ErrorCode::kInvalidArgument, "offset must be a byte offset"));
    r.offset = *v;
  }
  if (auto l = args.target.param("limit"); l && !l->empty()) {
    auto v = query_u64(l);
    if (!v || *v < 1 || *v > kTextPageMaxBytes) {
      return plain(
          error_response(req, ErrorCode::kInvalidArgument, "limit must be 1.." + std::to_string(kTextPageMaxBytes)));
    }
    r.limit = *v;
  }
  auto page = chapter_text_page(*ctx.paths, r, kTextPageMaxBookBytes);
  if (!page) return plain(status_error(req, page.status()));
  return plain(json_response(req, http::status::ok, *page));
}

}  // namespace handlers

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
    res = status_error(req, stored.status());
  }
  add_cors(res, req, ctx);
  return res;
}

}  // namespace epubtok::server
