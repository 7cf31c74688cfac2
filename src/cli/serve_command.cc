// `epubtok serve`: the job server (REST API, job queue, SSE, web UI).
#include <sys/resource.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "cli/common.h"
#include "jobs/job_manager.h"
#include "server/http_server.h"
#include "server/path_policy.h"
#include "server/router.h"
#include "server/upload_area.h"
#include "tokenizers/anthropic/count_tokens_client.h"

namespace epubtok::cli {
namespace {
namespace fs = std::filesystem;

struct ServeFlags {
  server::ServerOptions server;
  std::vector<std::string> libraries;
  std::string data_dir;
  std::string web_root;
  uint64_t max_upload_mb = 200;
  uint64_t max_uploads_total_mb = 2048;
  size_t max_queued = 1000;
  size_t keep_jobs = 500;
  int keep_days = 30;
  int workers = 0;
  int64_t heartbeat_ms = 15000;
  int book_delay_ms = 0;
  std::string count_priority = "idle";
  ApiFlags api;
};

fs::path default_data_dir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return fs::path(xdg) / "epubtok";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".local" / "share" / "epubtok";
  return fs::current_path() / ".epubtok";
}

fs::path executable_dir() {
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path() : exe.parent_path();
}

bool is_loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// Each SSE subscriber is a socket; the default soft limit of 1024 open
// files would cap a fan-out of 1,000 browsers.
void raise_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, 65536);
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

int run_serve(ServeFlags& flags) {
  server::ServerOptions& options = flags.server;
  options.libraries.clear();
  for (const auto& l : flags.libraries) options.libraries.emplace_back(l);
  if (options.libraries.empty()) options.libraries.emplace_back("epubs");
  fs::path data_dir = flags.data_dir.empty() ? default_data_dir() : fs::path(flags.data_dir);
  options.data_dir = data_dir;
  options.web_root = flags.web_root.empty() ? executable_dir() / "web" : fs::path(flags.web_root);
  options.uploads.max_file_bytes = flags.max_upload_mb << 20;
  options.uploads.max_total_bytes = flags.max_uploads_total_mb << 20;
  options.heartbeat = std::chrono::milliseconds(std::max<int64_t>(10, flags.heartbeat_ms));

  if (!apply_api_flags(flags.api)) return kExitUsage;
  raise_file_limit();
  // Signals are taken by one thread with sigwait(); every other thread
  // (I/O, job runner, counting workers) inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  for (const auto& root : options.libraries) {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) std::cerr << "warning: library folder " << root << " does not exist\n";
  }

  server::UploadArea uploads(data_dir / "uploads", options.uploads);
  if (Status s = uploads.init(); !s) {
    std::cerr << "error: " << s.to_string() << "\n";
    return kExitUsage;
  }
  server::PathPolicy policy(options.libraries, uploads.dir());

  jobs::JobManagerOptions job_options;
  job_options.database = data_dir / "jobs.sqlite";
  if (flags.workers > 0) job_options.workers = flags.workers;
  // Counting is batch work: at idle priority it only uses CPU time that
  // the I/O threads (requests, SSE deliveries) and everything else on the
  // machine leave over.
  job_options.count_priority = *jobs::parse_thread_priority(flags.count_priority);
  job_options.max_queued = flags.max_queued;
  job_options.keep_jobs = flags.keep_jobs;
  job_options.keep_for = std::chrono::hours(24) * flags.keep_days;
  job_options.book_check = [&policy](const std::string& path) { return policy.check_inside(path); };
  if (flags.book_delay_ms > 0) {
    // Test and benchmark hook: makes every book take at least this long, so
    // "mid-job" moments (kill -9, cancel, fan-out under load) are
    // reproducible on any machine.
    auto count = job_options.engine.count;
    auto delay = std::chrono::milliseconds(flags.book_delay_ms);
    job_options.engine.count =
        [count, delay](const std::vector<std::string>& books, const count::CountOptions& count_options, int workers,
                       const count::LibraryCallbacks& callbacks, const std::atomic<bool>* cancel) {
          count::LibraryCallbacks slowed = callbacks;
          slowed.on_start = [callbacks, delay](const count::LibraryProgress& p) {
            std::this_thread::sleep_for(delay);
            if (callbacks.on_start) callbacks.on_start(p);
          };
          return count(books, count_options, workers, slowed, cancel);
        };
  }
  auto manager = jobs::JobManager::open(std::move(job_options));
  if (!manager) {
    std::cerr << "error: " << manager.status().to_string() << "\n";
    return kExitUsage;
  }

  server::ApiContext ctx;
  ctx.options = &options;
  ctx.jobs = manager->get();
  ctx.paths = &policy;
  ctx.uploads = &uploads;
  server::use_global_registry(ctx);
  auto http = server::HttpServer::create(ctx);
  if (!http) {
    std::cerr << "error: " << http.status().to_string() << "\n";
    return kExitUsage;
  }
  std::string shown_host = options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
  // The first stdout line is a contract: scripts and tests read the port here.
  std::printf("listening on http://%s:%u\n", shown_host.c_str(), static_cast<unsigned>((*http)->port()));
  std::fflush(stdout);
  {
    // Said once, at start: any job may choose a claude-api:* tokenizer.
    auto client = tokenizers::anthropic::client_options_from_env();
    std::cerr << "note: jobs that choose a claude-api:* tokenizer send their books' text to Anthropic ("
              << client.base_url << ") to count it"
              << (client.api_key.empty() ? "; ANTHROPIC_API_KEY is not set, so such jobs fail with API_KEY_MISSING"
                                         : "")
              << "\n";
  }
  if (!is_loopback(options.host)) {
    std::cerr << "warning: listening on " << options.host
              << ", not loopback: anyone who can reach this address can read your library\n";
  }

  (*manager)->start();
  std::atomic<bool> done{false};
  std::thread signal_thread([&] {
    timespec tick{0, 200'000'000};
    while (!done) {
      if (sigtimedwait(&signals, nullptr, &tick) > 0) {
        (*http)->stop();
        return;
      }
    }
  });
  (*http)->run();
  done = true;
  signal_thread.join();
  // The running job checkpoints (books in flight finish, then it is marked
  // interrupted) and resumes on the next start.
  (*manager)->shutdown();
  http->reset();
  std::fprintf(stderr, "stopped\n");
  return kExitOk;
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* cmd = app.add_subcommand("serve", "Run the job server: REST API, live progress (SSE) and the web UI");
  cmd->add_option("--host", flags->server.host, "Address to bind (default 127.0.0.1)");
  cmd->add_option("--port", flags->server.port, "Port; 0 picks a free one (default 8787)");
  cmd->add_option("--library", flags->libraries, "Library folder the API may read (repeatable; default ./epubs)");
  cmd->add_option("--data-dir", flags->data_dir,
                  "Jobs database and uploads (default $XDG_DATA_HOME/epubtok, i.e. ~/.local/share/epubtok)");
  cmd->add_option("--cors-origin", flags->server.cors_origin, "Allow cross-origin requests from this origin");
  cmd->add_option("--web-root", flags->web_root, "Built web UI to serve at / (default <exe dir>/web)");
  cmd->add_option("--max-upload-mb", flags->max_upload_mb, "Largest upload (default 200)");
  cmd->add_option("--max-uploads-total-mb", flags->max_uploads_total_mb, "Upload area size (default 2048)");
  cmd->add_option("--max-body-bytes", flags->server.max_body_bytes, "Largest JSON body in bytes (default 1048576)")
      ->group("");
  cmd->add_option("--max-paths", flags->server.max_paths, "Most paths per job (default 1000)");
  cmd->add_option("--max-queued", flags->max_queued, "Most jobs waiting (default 1000)");
  cmd->add_option("--keep-jobs", flags->keep_jobs, "Finished jobs kept (default 500)");
  cmd->add_option("--keep-days", flags->keep_days, "Days finished jobs are kept (default 30)");
  cmd->add_option("-j,--jobs", flags->workers,
                  "Worker threads per job: books in parallel, and a large book's parts once a thread runs out of "
                  "books (default: the CPUs this process may use)");
  cmd->add_option("--count-priority", flags->count_priority,
                  "Scheduling priority of the counting threads: idle, low or normal (default idle)")
      ->check(CLI::IsMember({"idle", "low", "normal"}));
  cmd->add_option("--io-threads", flags->server.io_threads, "HTTP I/O threads (default 2)");
  cmd->add_option("--sse-queue", flags->server.sse_queue_limit,
                  "Events a slow SSE client may lag before it is disconnected (default 2048)");
  add_api_flags(*cmd, flags->api);
  cmd->add_option("--heartbeat-ms", flags->heartbeat_ms, "SSE heartbeat interval (default 15000)")->group("");
  cmd->add_option("--debug-book-delay-ms", flags->book_delay_ms, "Sleep before each book (tests, benchmarks)")
      ->group("");
  cmd->callback([flags] {
    int code = run_serve(*flags);
    if (code != kExitOk) throw CLI::RuntimeError(code);
  });
}

}  // namespace epubtok::cli
