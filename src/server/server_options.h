// ServerOptions: everything `epubtok serve` can be told, with defaults.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "server/upload_area.h"

namespace epubtok::server {

struct ServerOptions {
  // Address to bind. Default loopback; anything else prints a warning.
  std::string host = "127.0.0.1";
  // Port; 0 picks a free one. Default 8787.
  uint16_t port = 8787;
  // Library roots: paths in requests must resolve inside one of them (or
  // the upload area). Default {"./epubs"}.
  std::vector<std::filesystem::path> libraries{"epubs"};
  // Holds jobs.sqlite and uploads/. Default $XDG_DATA_HOME/epubtok.
  std::filesystem::path data_dir;
  // The one Origin allowed cross-origin requests; empty = no CORS headers.
  std::string cors_origin;
  // The built web UI (index.html + assets/). Default <exe dir>/web.
  std::filesystem::path web_root;
  // Upload limits (200 MiB per file, 2 GiB in total by default).
  UploadLimits uploads;
  // Largest JSON request body. Default 1 MiB.
  uint64_t max_body_bytes = 1ull << 20;
  // Largest body of POST /api/results/validate. Default 64 MiB.
  uint64_t max_validate_bytes = 64ull << 20;
  // Largest request header block. Default 16 KiB.
  uint32_t max_header_bytes = 16 * 1024;
  // Most paths in one job request. Default 1000.
  size_t max_paths = 1000;
  // A client must send a complete header within this time (slow-loris
  // guard), and a body within body_timeout. Defaults 10 s and 300 s.
  std::chrono::seconds header_timeout{10};
  std::chrono::seconds body_timeout{300};
  // Keep-alive connections idle longer than this are closed. Default 60 s.
  std::chrono::seconds idle_timeout{60};
  // Events an SSE subscriber may have queued before it is disconnected.
  // Default 2048.
  size_t sse_queue_limit = 2048;
  // Heartbeat comment interval on SSE streams. Default 15 s.
  std::chrono::milliseconds heartbeat{15000};
  // I/O threads. Default 2.
  int io_threads = 2;
};

}  // namespace epubtok::server
