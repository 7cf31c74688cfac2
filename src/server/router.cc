#include "server/router.h"

#include "server/static_files.h"
#include "tokenizers/registry.h"

namespace epubtok::server {

namespace {

RouteResult route_api(const Request& req, const Target& target, const ApiContext& ctx) {
  RouteMatch match = match_route(req.method(), target.path);
  if (match.route == nullptr) {
    if (!match.allow.empty()) return {method_not_allowed(req, match.allow), std::nullopt};
    return {error_response(req, ErrorCode::kNotFound, "no API endpoint " + target.path), std::nullopt};
  }
  // The session streams upload bodies itself and answers with
  // finish_upload(); a request routed here was not read as an upload.
  if (match.route->handler == nullptr) {
    return {method_not_allowed(req, http::to_string(match.route->method)), std::nullopt};
  }
  return match.route->handler(req, RouteArgs{target, std::move(match.id)}, ctx);
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

RouteResult route(const Request& req, const ApiContext& ctx) {
  if (auto refused = check_host(req, ctx)) return {std::move(*refused), std::nullopt};
  auto target = parse_target(req.target());
  RouteResult result;
  if (!target || target->path.empty() || target->path.front() != '/' || target->path.find('\0') != std::string::npos) {
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

}  // namespace epubtok::server
