// Serving the built web UI: files under the web root, SPA fallback to
// index.html, content types and cache headers.
#pragma once

#include <filesystem>
#include <string_view>

#include <boost/beast/http.hpp>

namespace epubtok::server {

// The response to GET/HEAD `path` (already percent-decoded, starting with
// '/') against `web_root`:
//  - an existing regular file inside the root (symlinks escaping it are
//    refused) is served with its content type; files under /assets/ (Vite
//    names them by content hash) get `Cache-Control: public, max-age=31536000,
//    immutable`, others `no-cache`;
//  - a path with no file extension that matches no file (a client-side
//    route such as /jobs/<id>) gets index.html;
//  - anything else is 404;
//  - when the root has no index.html, "/" and client routes get a small
//    HTML page saying the UI is not built.
boost::beast::http::response<boost::beast::http::string_body> serve_static(const std::filesystem::path& web_root,
                                                                           std::string_view path, unsigned version,
                                                                           bool keep_alive, bool head);

// The Content-Type for a file name, by extension; application/octet-stream
// when unknown.
std::string_view content_type_for(std::string_view file_name);

}  // namespace epubtok::server
