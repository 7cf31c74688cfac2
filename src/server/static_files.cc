#include "server/static_files.h"

#include <fstream>
#include <sstream>
#include <system_error>

#include "server/path_policy.h"

namespace epubtok::server {
namespace fs = std::filesystem;
namespace http = boost::beast::http;

namespace {

constexpr std::string_view kNotBuilt =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>epubtok</title></head><body>"
    "<h1>epubtok</h1><p>The web UI is not built. Run <code>make build</code> (it runs "
    "<code>scripts/build-web</code>) or pass <code>--web-root</code>. The API is at "
    "<a href=\"/api/health\">/api/health</a>.</p></body></html>\n";

bool read_file(const fs::path& file, std::string& out) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = std::move(ss).str();
  return true;
}

}  // namespace

std::string_view content_type_for(std::string_view name) {
  struct Type {
    std::string_view ext, type;
  };
  static constexpr Type kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".ttf", "font/ttf"},
      {".txt", "text/plain; charset=utf-8"},
      {".wasm", "application/wasm"},
      {".webmanifest", "application/manifest+json"},
      {".yaml", "application/yaml"},
  };
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  std::string ext(name.substr(dot));
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& t : kTypes) {
    if (t.ext == ext) return t.type;
  }
  return "application/octet-stream";
}

http::response<http::string_body> serve_static(const fs::path& web_root, std::string_view path, unsigned version,
                                               bool keep_alive, bool head) {
  http::response<http::string_body> res{http::status::ok, version};
  res.keep_alive(keep_alive);
  res.set("X-Content-Type-Options", "nosniff");
  auto finish = [&](http::status status, std::string_view type, std::string body, std::string_view cache) {
    res.result(status);
    res.set(http::field::content_type, type);
    res.set(http::field::cache_control, cache);
    res.body() = std::move(body);
    res.prepare_payload();
    if (head) res.body().clear();  // Content-Length stays that of the GET body
    return res;
  };

  std::error_code ec;
  fs::path root = fs::weakly_canonical(web_root, ec);
  fs::path index = root / "index.html";
  const bool built = !ec && fs::is_regular_file(index, ec);

  std::string rel(path);
  while (!rel.empty() && rel.front() == '/') rel.erase(0, 1);
  bool bad = rel.find('\0') != std::string::npos;
  for (const auto& part : fs::path(rel)) {
    if (part == "..") bad = true;
  }
  if (bad) return finish(http::status::not_found, "text/plain; charset=utf-8", "not found\n", "no-cache");

  if (built && !rel.empty()) {
    fs::path file = fs::weakly_canonical(root / rel, ec);
    if (!ec && path_within(file, root) && fs::is_regular_file(file, ec)) {
      std::string body;
      if (read_file(file, body)) {
        bool hashed = rel.rfind("assets/", 0) == 0;
        return finish(http::status::ok, content_type_for(file.filename().string()), std::move(body),
                      hashed ? "public, max-age=31536000, immutable" : "no-cache");
      }
    }
  }
  // Client-side routes have no extension; asset-like misses are real 404s.
  const bool looks_like_file = fs::path(rel).has_extension();
  if (looks_like_file) return finish(http::status::not_found, "text/plain; charset=utf-8", "not found\n", "no-cache");
  if (!built) return finish(http::status::ok, "text/html; charset=utf-8", std::string(kNotBuilt), "no-cache");
  std::string body;
  if (!read_file(index, body)) {
    return finish(http::status::internal_server_error, "text/plain; charset=utf-8", "cannot read index.html\n",
                  "no-cache");
  }
  return finish(http::status::ok, "text/html; charset=utf-8", std::move(body), "no-cache");
}

}  // namespace epubtok::server
