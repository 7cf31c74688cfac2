#include "server/router.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdio>
#include <fstream>
#include <thread>

#include <boost/json.hpp>

#include "results/results_document.h"
#include "support/fake_engine.h"
#include "support/source_dir.h"

namespace epubtok::server {
namespace {
namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("epubtok_router_" + std::to_string(::getpid()));
    fs::remove_all(base_);
    fs::create_directories(base_ / "lib" / "shelf");
    fs::create_directories(base_ / "outside");
    std::ofstream(base_ / "lib" / "a.epub") << "PK";
    std::ofstream(base_ / "lib" / "shelf" / "b.epub") << "PK";
    std::ofstream(base_ / "lib" / "shelf" / "c.epub") << "PK";
    fs::create_symlink(base_ / "outside", base_ / "lib" / "escape");
    options_.libraries = {base_ / "lib"};
    options_.web_root = base_ / "no-web";
    policy_ = std::make_unique<PathPolicy>(options_.libraries, base_ / "uploads");
    uploads_ = std::make_unique<UploadArea>(base_ / "uploads", UploadLimits{});
    ASSERT_TRUE(uploads_->init());
    jobs::JobManagerOptions jo;
    jo.database = ":memory:";
    // Books count at once, 10 words and 20 "alpha" tokens each.
    engine_.book = [](const std::string& path) {
      model::BookResult r;
      r.file_path = path;
      r.file_name = fs::path(path).filename().string();
      r.file_size = fs::file_size(path);
      r.word_count = 10;
      r.token_counts = {{"alpha", 20}};
      return r;
    };
    jo.engine = engine_.engine();
    auto m = jobs::JobManager::open(std::move(jo));
    ASSERT_TRUE(m);
    manager_ = std::move(*m);
    ctx_.options = &options_;
    ctx_.jobs = manager_.get();
    ctx_.paths = policy_.get();
    ctx_.uploads = uploads_.get();
    ctx_.list_models = [] {
      tokenizers::TokenizerInfo a, b;
      a.id = "alpha";
      a.name = "Alpha";
      a.family = "test";
      a.vocab_size = 100;
      b.id = "beta";
      b.exactness = tokenizers::Exactness::kApproximate;
      return std::vector<tokenizers::TokenizerInfo>{a, b};
    };
    ctx_.canonical_tokenizer = [](std::string_view name) -> Result<std::string> {
      if (name == "alpha" || name == "a") return std::string("alpha");
      if (name == "beta") return std::string("beta");
      return Result<std::string>(ErrorCode::kUnknownTokenizer, "unknown");
    };
  }
  void TearDown() override {
    manager_.reset();
    check_against_openapi();
    fs::remove_all(base_);
  }

  RouteResult call(http::verb method, const std::string& target, std::string body = "",
                   const std::string& host = "127.0.0.1:8787") {
    Request req{method, target, 11};
    if (!host.empty()) req.set(http::field::host, host);
    req.body() = std::move(body);
    req.prepare_payload();
    return route_recorded(req);
  }
  // route(), with the response kept for check_against_openapi().
  RouteResult route_recorded(const Request& req) {
    RouteResult r = route(req, ctx_);
    recorded_.push_back(json::object{{"method", std::string(req.method_string())},
                                     {"target", std::string(req.target())},
                                     {"status", r.response.result_int()},
                                     {"content_type", std::string(r.response[http::field::content_type])},
                                     {"body", r.response.body()}});
    return r;
  }
  // Every response this test saw must be one docs/openapi.yaml documents,
  // its JSON body valid against the schema there, as checked by Ajv
  // (tests/openapi/check_responses.mjs; scripts/setup-test-deps installs it).
  void check_against_openapi() {
    if (recorded_.empty()) return;
    const fs::path file = base_ / "responses.json";
    std::ofstream(file) << json::serialize(recorded_);
    const fs::path src = testing::source_dir();
    const std::string command = "node '" + (src / "tests" / "openapi" / "check_responses.mjs").string() + "' '" +
                                (src / "docs" / "openapi.yaml").string() + "' '" + file.string() + "' 2>&1";
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr) << command;
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
    EXPECT_EQ(pclose(pipe), 0) << "responses that docs/openapi.yaml does not describe:\n" << out;
  }
  static json::value body_of(const RouteResult& r) { return json::parse(r.response.body()); }
  static std::string code_of(const RouteResult& r) {
    return std::string(body_of(r).at("error").at("code").as_string());
  }
  std::string post_job(const std::string& body) {
    auto r = call(http::verb::post, "/api/jobs", body);
    EXPECT_EQ(r.response.result(), http::status::accepted) << r.response.body();
    return std::string(body_of(r).at("job_id").as_string());
  }

  fs::path base_;
  testing::FakeEngine engine_;
  ServerOptions options_;
  std::unique_ptr<PathPolicy> policy_;
  std::unique_ptr<UploadArea> uploads_;
  std::unique_ptr<jobs::JobManager> manager_;
  ApiContext ctx_;
  json::array recorded_;
};

TEST_F(RouterTest, HealthAndModels) {
  auto h = call(http::verb::get, "/api/health");
  EXPECT_EQ(h.response.result(), http::status::ok);
  EXPECT_EQ(h.response[http::field::content_type], "application/json");
  auto v = body_of(h);
  EXPECT_EQ(v.at("status").as_string(), "ok");
  EXPECT_TRUE(v.at("version").is_string());
  // A plain integer of seconds, never exponent notation ("4.8E0").
  EXPECT_TRUE(v.at("uptime_s").is_int64() || v.at("uptime_s").is_uint64());
  EXPECT_GE(v.at("uptime_s").to_number<int64_t>(), 0);
  std::string text = h.response.body();
  size_t at = text.find("\"uptime_s\":");
  ASSERT_NE(at, std::string::npos);
  size_t end = text.find_first_of(",}", at);
  std::string number = text.substr(at + 11, end - at - 11);
  EXPECT_EQ(number.find_first_not_of("0123456789"), std::string::npos) << number;
  EXPECT_EQ(v.at("queue").at("queued").to_number<int>(), 0);
  auto m = body_of(call(http::verb::get, "/api/models"));
  const auto& models = m.at("models").as_array();
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0].at("id").as_string(), "alpha");
  for (const char* key : {"id", "name", "family", "vocab_size", "approximate", "source"}) {
    EXPECT_TRUE(models[0].as_object().contains(key)) << key;
  }
}

TEST_F(RouterTest, HostHeaderGuardsAgainstDnsRebinding) {
  EXPECT_EQ(call(http::verb::get, "/api/health", "", "evil.example:8787").response.result(), http::status::forbidden);
  EXPECT_EQ(call(http::verb::get, "/api/health", "", "127.0.0.1.evil.example").response.result(),
            http::status::forbidden);
  EXPECT_EQ(call(http::verb::get, "/api/health", "", "").response.result(), http::status::forbidden);
  EXPECT_EQ(call(http::verb::get, "/", "", "attacker.com").response.result(), http::status::forbidden);
  EXPECT_EQ(call(http::verb::get, "/api/health", "", "localhost:1").response.result(), http::status::ok);
  EXPECT_EQ(call(http::verb::get, "/api/health", "", "LOCALHOST").response.result(), http::status::ok);
  EXPECT_EQ(call(http::verb::get, "/api/health", "", "[::1]:8787").response.result(), http::status::ok);
}

TEST_F(RouterTest, CreateJobAnswers202WithLocationAndCanonicalTokenizers) {
  auto r = call(http::verb::post, "/api/jobs", R"({"paths":["a.epub","shelf"],"tokenizers":["a","beta"]})");
  ASSERT_EQ(r.response.result(), http::status::accepted) << r.response.body();
  auto v = body_of(r);
  std::string id(v.at("job_id").as_string());
  EXPECT_EQ(v.at("status").as_string(), "queued");
  EXPECT_EQ(v.at("position").to_number<int>(), 1);
  EXPECT_EQ(v.at("links").at("self").as_string(), "/api/jobs/" + id);
  EXPECT_EQ(v.at("links").at("events").as_string(), "/api/jobs/" + id + "/events");
  EXPECT_EQ(r.response[http::field::location], "/api/jobs/" + id);
  auto job = body_of(call(http::verb::get, "/api/jobs/" + id));
  EXPECT_EQ(job.at("status").as_string(), "queued");
  EXPECT_EQ(job.at("request").at("tokenizers").as_array(), (json::array{"alpha", "beta"}));
  // Paths are stored resolved.
  EXPECT_EQ(job.at("request").at("paths").as_array()[0].as_string(), fs::canonical(base_ / "lib" / "a.epub").string());
  for (const char* key : {"job_id", "status", "position", "created_at", "started_at", "finished_at", "request",
                          "progress", "results", "error", "links"}) {
    EXPECT_TRUE(job.as_object().contains(key)) << key;
  }
  // A second job waits behind the first.
  auto second = body_of(call(http::verb::post, "/api/jobs", R"({"paths":["a.epub"],"tokenizers":["alpha"]})"));
  EXPECT_EQ(second.at("position").to_number<int>(), 2);
}

TEST_F(RouterTest, CreateJobErrors) {
  struct Case {
    std::string body;
    http::status status;
    std::string code;
  } cases[] = {
      {"{not json", http::status::bad_request, "INVALID_JSON"},
      {R"({"paths":"a.epub","tokenizers":["alpha"]})", http::status::bad_request, "INVALID_ARGUMENT"},
      {R"({"paths":["a.epub"],"tokenizers":["gpt-17"]})", http::status::bad_request, "UNKNOWN_TOKENIZER"},
      {R"({"paths":["../outside"],"tokenizers":["alpha"]})", http::status::bad_request, "INVALID_PATH"},
      {R"({"paths":["~/x"],"tokenizers":["alpha"]})", http::status::bad_request, "INVALID_PATH"},
      {R"({"paths":["a.epub\u0000.txt"],"tokenizers":["alpha"]})", http::status::bad_request, "INVALID_PATH"},
      {R"({"paths":["/etc"],"tokenizers":["alpha"]})", http::status::forbidden, "PATH_OUTSIDE_LIBRARY"},
      {R"({"paths":["escape"],"tokenizers":["alpha"]})", http::status::forbidden, "PATH_OUTSIDE_LIBRARY"},
      // A mistyped folder is refused before a job exists, relative or absolute.
      {R"({"paths":["no-such-shelf"],"tokenizers":["alpha"]})", http::status::bad_request, "FILE_NOT_FOUND"},
      {R"({"paths":["shelf","gone.epub"],"tokenizers":["alpha"]})", http::status::bad_request, "FILE_NOT_FOUND"},
  };
  for (const auto& c : cases) {
    auto r = call(http::verb::post, "/api/jobs", c.body);
    EXPECT_EQ(r.response.result(), c.status) << c.body << " → " << r.response.body();
    EXPECT_EQ(code_of(r), c.code) << c.body;
    auto err = body_of(r).at("error").as_object();
    EXPECT_TRUE(err.contains("message") && err.contains("details"));
  }
  auto missing = call(http::verb::post, "/api/jobs",
                      R"({"paths":[")" + (base_ / "lib" / "typo").string() + R"("],"tokenizers":["alpha"]})");
  EXPECT_EQ(missing.response.result(), http::status::bad_request);
  EXPECT_EQ(code_of(missing), "FILE_NOT_FOUND");
  EXPECT_EQ(body_of(missing).at("error").at("message").as_string(),
            "paths[0]: no such file or folder: " + (base_ / "lib" / "typo").string());
  EXPECT_EQ(body_of(call(http::verb::get, "/api/jobs")).at("jobs").as_array().size(), 0u);  // no job was created
  auto unknown = body_of(call(http::verb::post, "/api/jobs", R"({"paths":["a.epub"],"tokenizers":["nope"]})"));
  EXPECT_EQ(unknown.at("error").at("details").at("valid").as_array(), (json::array{"alpha", "beta"}));

  options_.max_paths = 2;
  auto many = call(http::verb::post, "/api/jobs", R"({"paths":["a.epub","a.epub","a.epub"],"tokenizers":["alpha"]})");
  EXPECT_EQ(many.response.result(), http::status::bad_request);
}

TEST_F(RouterTest, ChapterTextRoute) {
  auto status = [&](const std::string& target) { return call(http::verb::get, target).response.result(); };
  EXPECT_EQ(status("/api/text?chapter=0"), http::status::bad_request);    // no path
  EXPECT_EQ(status("/api/text?path=a.epub"), http::status::bad_request);  // no chapter
  EXPECT_EQ(status("/api/text?path=a.epub&chapter=0&limit=0"), http::status::bad_request);
  EXPECT_EQ(status("/api/text?path=a.epub&chapter=0&limit=1048577"), http::status::bad_request);
  auto missing = call(http::verb::get, "/api/text?path=gone.epub&chapter=0");
  EXPECT_EQ(missing.response.result(), http::status::not_found);
  EXPECT_EQ(code_of(missing), "FILE_NOT_FOUND");
  EXPECT_EQ(status("/api/text?path=/etc/passwd&chapter=0"), http::status::forbidden);
  // a.epub is two bytes, not an EPUB: the book's own code, as status_for() maps it.
  auto unreadable = call(http::verb::get, "/api/text?path=a.epub&chapter=0");
  EXPECT_EQ(unreadable.response.result(), http::status::bad_request);
  EXPECT_EQ(code_of(unreadable).rfind("EPUB_", 0), 0u) << unreadable.response.body();
  EXPECT_EQ(call(http::verb::post, "/api/text?path=a.epub&chapter=0").response.result(),
            http::status::method_not_allowed);
}

TEST_F(RouterTest, WrongMethodsAnswer405WithAllow) {
  auto r = call(http::verb::put, "/api/jobs");
  EXPECT_EQ(r.response.result(), http::status::method_not_allowed);
  EXPECT_EQ(r.response[http::field::allow], "GET, POST");
  EXPECT_EQ(call(http::verb::post, "/api/health").response.result(), http::status::method_not_allowed);
  EXPECT_EQ(call(http::verb::get, "/api/uploads").response.result(), http::status::method_not_allowed);
  EXPECT_EQ(call(http::verb::get, "/api/jobs/x/cancel").response.result(), http::status::method_not_allowed);
  EXPECT_EQ(call(http::verb::get, "/api/nothing").response.result(), http::status::not_found);
}

TEST_F(RouterTest, UnknownJobs404) {
  for (std::string target :
       {"/api/jobs/nope", "/api/jobs/nope/results.csv", "/api/jobs/nope/events", "/api/sse/nope"}) {
    auto r = call(http::verb::get, target);
    EXPECT_EQ(r.response.result(), http::status::not_found) << target;
    EXPECT_EQ(code_of(r), "JOB_NOT_FOUND") << target;
    EXPECT_FALSE(r.sse);
  }
  EXPECT_EQ(code_of(call(http::verb::post, "/api/jobs/nope/cancel")), "JOB_NOT_FOUND");
  EXPECT_EQ(code_of(call(http::verb::delete_, "/api/jobs/nope")), "JOB_NOT_FOUND");
}

TEST_F(RouterTest, SseRouteCarriesHeadersAndLastEventId) {
  std::string id = post_job(R"({"paths":["a.epub"],"tokenizers":["alpha"]})");
  auto r = call(http::verb::get, "/api/jobs/" + id + "/events?last_event_id=5");
  ASSERT_TRUE(r.sse);
  EXPECT_EQ(r.sse->job_id, id);
  EXPECT_EQ(r.sse->last_event_id, 5u);
  EXPECT_EQ(r.response[http::field::content_type], "text/event-stream");
  EXPECT_EQ(r.response[http::field::cache_control], "no-cache");
  EXPECT_EQ(r.response[http::field::connection], "keep-alive");
  EXPECT_EQ(r.response["X-Accel-Buffering"], "no");
  Request req{http::verb::get, "/api/sse/" + id + "?last_event_id=5", 11};
  req.set(http::field::host, "localhost");
  req.set("Last-Event-ID", "9");  // the header wins on reconnect
  auto alias = route_recorded(req);
  ASSERT_TRUE(alias.sse);
  EXPECT_EQ(alias.sse->last_event_id, 9u);
  auto all = call(http::verb::get, "/api/events");
  ASSERT_TRUE(all.sse);
  EXPECT_TRUE(all.sse->job_id.empty());
}

TEST_F(RouterTest, JobLifecycleThroughTheApi) {
  std::string id = post_job(R"({"paths":["a.epub","shelf"],"tokenizers":["alpha"]})");
  manager_->start();
  json::value job;
  for (int i = 0; i < 200; ++i) {
    job = body_of(call(http::verb::get, "/api/jobs/" + id));
    if (job.at("status").as_string() == "completed") break;
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(job.at("status").as_string(), "completed");
  EXPECT_EQ(job.at("results").at("results").as_array().size(), 3u);  // a.epub + shelf/b + shelf/c
  EXPECT_EQ(job.at("summary").at("word_count").to_number<int>(), 30);
  EXPECT_EQ(job.at("progress").at("percent").to_number<double>(), 100.0);

  auto csv = call(http::verb::get, "/api/jobs/" + id + "/results.csv");
  EXPECT_EQ(csv.response.result(), http::status::ok) << csv.response.body();
  EXPECT_EQ(csv.response[http::field::content_type], "text/csv; charset=utf-8");
  EXPECT_NE(csv.response[http::field::content_disposition].find("attachment"), std::string::npos);
  EXPECT_NE(csv.response.body().find("b.epub"), std::string::npos);
  auto md = call(http::verb::get, "/api/jobs/" + id + "/results.md");
  EXPECT_EQ(md.response.result(), http::status::ok);
  auto doc = body_of(call(http::verb::get, "/api/jobs/" + id + "/results.json"));
  EXPECT_EQ(doc.at("schema_version").as_string(), "2.0");

  auto cancel = call(http::verb::post, "/api/jobs/" + id + "/cancel");
  EXPECT_EQ(cancel.response.result(), http::status::conflict);
  EXPECT_EQ(code_of(cancel), "JOB_FINISHED");

  auto list = body_of(call(http::verb::get, "/api/jobs?status=completed&limit=10"));
  ASSERT_EQ(list.at("jobs").as_array().size(), 1u);
  EXPECT_FALSE(list.at("jobs").as_array()[0].as_object().contains("results"));
  EXPECT_TRUE(list.at("next_cursor").is_null());
  EXPECT_EQ(call(http::verb::get, "/api/jobs?status=bogus").response.result(), http::status::bad_request);
  EXPECT_EQ(call(http::verb::get, "/api/jobs?limit=0").response.result(), http::status::bad_request);

  EXPECT_EQ(call(http::verb::delete_, "/api/jobs/" + id).response.result(), http::status::no_content);
  EXPECT_EQ(call(http::verb::get, "/api/jobs/" + id).response.result(), http::status::not_found);
}

TEST_F(RouterTest, CancelQueuedJobAndDeleteRunningIsConflict) {
  std::string id = post_job(R"({"paths":["a.epub"],"tokenizers":["alpha"]})");
  EXPECT_EQ(call(http::verb::delete_, "/api/jobs/" + id).response.result(), http::status::conflict);
  auto c = call(http::verb::post, "/api/jobs/" + id + "/cancel");
  EXPECT_EQ(c.response.result(), http::status::ok);
  EXPECT_EQ(body_of(c).at("status").as_string(), "cancelled");
  EXPECT_EQ(body_of(call(http::verb::post, "/api/jobs/" + id + "/cancel")).at("status").as_string(), "cancelled");
}

TEST_F(RouterTest, ProcessAliasTakesTheOriginalBody) {
  auto r =
      call(http::verb::post, "/api/process", R"({"path":"shelf","tokenizers":["alpha"],"recursive":false,"maxMb":64})");
  ASSERT_EQ(r.response.result(), http::status::accepted) << r.response.body();
  auto job = body_of(call(http::verb::get, "/api/jobs/" + std::string(body_of(r).at("job_id").as_string())));
  EXPECT_EQ(job.at("request").at("max_mb").to_number<int>(), 64);
  EXPECT_FALSE(job.at("request").at("recursive").as_bool());
  EXPECT_EQ(code_of(call(http::verb::post, "/api/process", R"({"path":"../x","tokenizers":["alpha"]})")),
            "INVALID_PATH");
  EXPECT_EQ(call(http::verb::post, "/api/process", R"({"tokenizers":["alpha"]})").response.result(),
            http::status::bad_request);
}

TEST_F(RouterTest, FolderPickerStaysInsideRoots) {
  auto roots = body_of(call(http::verb::get, "/api/fs"));
  ASSERT_EQ(roots.at("entries").as_array().size(), 1u);
  EXPECT_TRUE(roots.at("path").is_null());
  EXPECT_EQ(roots.at("entries").as_array()[0].at("epub_count").to_number<int>(), 1);
  auto root = fs::canonical(base_ / "lib").string();
  auto listing = body_of(call(http::verb::get, "/api/fs?path=" + root));
  const auto& entries = listing.at("entries").as_array();
  // shelf (dir, 2 epubs) then a.epub; the escaping symlink is hidden.
  ASSERT_EQ(entries.size(), 2u) << listing;
  EXPECT_EQ(entries[0].at("name").as_string(), "shelf");
  EXPECT_EQ(entries[0].at("epub_count").to_number<int>(), 2);
  EXPECT_EQ(entries[1].at("kind").as_string(), "epub");
  EXPECT_TRUE(listing.at("parent").is_null());
  auto shelf = body_of(call(http::verb::get, "/api/fs?path=shelf"));
  EXPECT_EQ(shelf.at("parent").as_string(), root);
  EXPECT_EQ(shelf.at("epub_count").to_number<int>(), 2);
  EXPECT_EQ(call(http::verb::get, "/api/fs?path=%2Fetc").response.result(), http::status::forbidden);
  EXPECT_EQ(code_of(call(http::verb::get, "/api/fs?path=..%2F")), "INVALID_PATH");
  EXPECT_EQ(code_of(call(http::verb::get, "/api/fs?path=escape")), "PATH_OUTSIDE_LIBRARY");
  EXPECT_EQ(call(http::verb::get, "/api/fs?path=a.epub").response.result(), http::status::not_found);
}

TEST_F(RouterTest, ResultsValidation) {
  auto bad_json = call(http::verb::post, "/api/results/validate", "{");
  EXPECT_EQ(code_of(bad_json), "INVALID_JSON");
  auto bad_schema = call(http::verb::post, "/api/results/validate", R"({"schema_version":"2.0","results":"no"})");
  EXPECT_EQ(bad_schema.response.result(), http::status::bad_request);
  EXPECT_EQ(code_of(bad_schema), "INVALID_SCHEMA");
  EXPECT_FALSE(body_of(bad_schema).at("error").at("details").at("problems").as_array().empty());

  model::BookResult book;
  book.file_path = "/x/a.epub";
  book.file_name = "a.epub";
  book.word_count = 5;
  book.token_counts = {{"alpha", 9}};
  model::RunRequest ro;
  ro.tokenizers = {"alpha"};
  auto doc = results::make_document(ro, {book});
  auto ok = call(http::verb::post, "/api/results/validate", results::to_json_text(doc));
  ASSERT_EQ(ok.response.result(), http::status::ok) << ok.response.body();
  auto v = body_of(ok);
  EXPECT_EQ(v.at("schema_version").as_string(), "2.0");
  EXPECT_EQ(v.at("results").as_array()[0].at("word_count").to_number<int>(), 5);
}

TEST_F(RouterTest, CorsOnlyWhenConfigured) {
  Request req{http::verb::get, "/api/health", 11};
  req.set(http::field::host, "localhost");
  req.set(http::field::origin, "http://localhost:5173");
  EXPECT_TRUE(route_recorded(req).response[http::field::access_control_allow_origin].empty());
  options_.cors_origin = "http://localhost:5173";
  EXPECT_EQ(route_recorded(req).response[http::field::access_control_allow_origin], "http://localhost:5173");
  req.set(http::field::origin, "http://evil.example");
  EXPECT_TRUE(route_recorded(req).response[http::field::access_control_allow_origin].empty());
  Request pre{http::verb::options, "/api/jobs", 11};
  pre.set(http::field::host, "localhost");
  pre.set(http::field::origin, "http://localhost:5173");
  auto p = route_recorded(pre);
  EXPECT_EQ(p.response.result(), http::status::no_content);
  EXPECT_FALSE(p.response[http::field::access_control_allow_methods].empty());
}

TEST_F(RouterTest, StaticUiAndTargets) {
  auto root = call(http::verb::get, "/");
  EXPECT_EQ(root.response.result(), http::status::ok);
  EXPECT_NE(root.response.body().find("not built"), std::string::npos);
  EXPECT_EQ(call(http::verb::post, "/").response.result(), http::status::method_not_allowed);
  auto t = parse_target("/api/fs?path=a%20b%2Fc&x=1+2&empty=");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/api/fs");
  EXPECT_EQ(t->param("path"), "a b/c");
  EXPECT_EQ(t->param("x"), "1 2");
  EXPECT_EQ(t->param("empty"), "");
  EXPECT_FALSE(t->param("none"));
  EXPECT_FALSE(parse_target("/bad%zz"));
  EXPECT_FALSE(parse_target("/bad%4"));
}

}  // namespace
}  // namespace epubtok::server
