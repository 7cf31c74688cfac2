// libFuzzer target for the HTTP request → router path, without sockets: the
// input is parsed as a session would parse it (Beast's request parser with
// the server's header and body limits) and routed (server/router.h) against
// a real job manager, path policy, upload area and static web root.
// Never a crash or an exception; and:
// - no response is a 500 (an internal error is a bug);
// - every 4xx response of the API is {"error":{"code","message","details"}}
//   with a documented code;
// - no response reveals a file outside the library and the web root (both
//   have a sibling holding a marker that must never appear).
//
//   make fuzz && build-fuzz/tests/fuzz/http_fuzz -max_total_time=600 build-fuzz/seeds/http_fuzz
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "core/error_codes.h"
#include "fuzz_support.h"
#include "jobs/job_manager.h"
#include "server/path_policy.h"
#include "server/router.h"
#include "server/upload_area.h"

using namespace epubtok;
namespace fs = std::filesystem;
namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

constexpr std::string_view kSecret = "SECRET-8d1f0c-must-not-be-served";

// A counting engine that finds no books: jobs run and finish at once, so
// the fuzzer exercises the API, not counting.
jobs::CountingEngine empty_engine() {
  jobs::CountingEngine e;
  e.scan = [](const std::vector<std::string>&, bool) { return count::ScanResult{}; };
  e.prepare = [](const auto&) -> Result<count::CountOptions> { return count::CountOptions{}; };
  e.count = [](const std::vector<std::string>&, const count::CountOptions&, int, const count::LibraryCallbacks&,
               const std::atomic<bool>*) { return std::vector<model::BookResult>{}; };
  return e;
}

struct World {
  fs::path base;
  server::ServerOptions options;
  std::unique_ptr<server::PathPolicy> policy;
  std::unique_ptr<server::UploadArea> uploads;
  std::unique_ptr<jobs::JobManager> manager;
  server::ApiContext ctx;

  World() {
    base = (fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path()) /
           ("epubtok_http_fuzz_" + std::to_string(::getpid()));
    fs::remove_all(base);
    fs::create_directories(base / "lib" / "shelf");
    fs::create_directories(base / "outside");
    fs::create_directories(base / "web" / "assets");
    std::ofstream(base / "lib" / "a.epub") << "PK\3\4";
    std::ofstream(base / "lib" / "shelf" / "b.epub") << "PK\3\4";
    std::ofstream(base / "outside" / (std::string(kSecret) + ".epub")) << kSecret;
    std::ofstream(base / "web" / "index.html") << "<!doctype html><title>epubtok</title>";
    std::ofstream(base / "web" / "assets" / "app.js") << "console.log(1)";
    std::ofstream(base / "secret.txt") << kSecret;
    fs::create_symlink(base / "outside", base / "lib" / "escape");
    options.libraries = {base / "lib"};
    options.web_root = base / "web";
    options.port = 8787;
    policy = std::make_unique<server::PathPolicy>(options.libraries, base / "uploads");
    uploads = std::make_unique<server::UploadArea>(base / "uploads", server::UploadLimits{});
    if (!uploads->init()) fuzz::fail("upload area");
    jobs::JobManagerOptions jo;
    jo.database = ":memory:";
    jo.engine = empty_engine();
    jo.workers = 1;
    jo.keep_jobs = 50;
    auto m = jobs::JobManager::open(std::move(jo));
    if (!m) fuzz::fail("job manager", m.status().message());
    manager = std::move(*m);
    ctx.options = &options;
    ctx.jobs = manager.get();
    ctx.paths = policy.get();
    ctx.uploads = uploads.get();
    ctx.port = options.port;
    ctx.list_models = [] {
      tokenizers::TokenizerInfo a;
      a.id = "alpha";
      a.name = "Alpha";
      return std::vector<tokenizers::TokenizerInfo>{a};
    };
    ctx.canonical_tokenizer = [](std::string_view name) -> Result<std::string> {
      if (name == "alpha" || name == "o200k_base") return std::string("alpha");
      return Result<std::string>(ErrorCode::kUnknownTokenizer, "unknown tokenizer");
    };
  }
};

void check_response(const server::Request& req, const server::Response& res, bool echoes_request) {
  unsigned status = res.result_int();
  if (status < 100 || status > 599) fuzz::fail("impossible status");
  if (status >= 500) fuzz::fail("server error for", res.body());
  // (An error message may echo the marker when the request itself holds it.)
  if (res.body().find(kSecret) != std::string::npos && !echoes_request)
    fuzz::fail("response reveals a file outside the roots");
  // API errors are JSON; the static UI answers its 404s in plain text.
  auto target = server::parse_target(std::string_view(req.target().data(), req.target().size()));
  bool api = target && (target->path == "/api" || target->path.starts_with("/api/"));
  if (status >= 400 && (api || res[http::field::content_type] == "application/json")) {
    boost::system::error_code ec;
    json::value v = json::parse(res.body(), ec);
    if (ec || !v.is_object()) fuzz::fail("error body is not JSON:", res.body());
    const json::object* err = v.as_object().if_contains("error") ? v.as_object().at("error").if_object() : nullptr;
    if (!err || !err->contains("code") || !err->contains("message") || !err->contains("details"))
      fuzz::fail("error body lacks code/message/details:", res.body());
    const json::string* code = err->at("code").if_string();
    if (!code || !parse_error_code(std::string_view(*code))) fuzz::fail("undocumented error code:", res.body());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  http::request_parser<http::string_body> parser;
  parser.header_limit(world.options.max_header_bytes);
  parser.body_limit(world.options.max_body_bytes);
  parser.eager(true);
  boost::beast::error_code ec;
  size_t used = parser.put(boost::asio::buffer(data, size), ec);
  (void)used;
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  if (ec || !parser.is_done()) return 0;  // the session answers 400 and closes
  const server::Request& req = parser.get();
  try {
    server::RouteResult r = server::route(req, world.ctx);
    bool has_marker =
        std::string_view(reinterpret_cast<const char*>(data), size).find(kSecret) != std::string_view::npos;
    check_response(req, r.response, has_marker);
  } catch (const std::exception& e) {
    fuzz::fail("route() threw", e.what());
  }
  return 0;
}
