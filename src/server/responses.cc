#include "server/responses.h"

#include <cctype>

#include <boost/json.hpp>

#include "epub/charset.h"

namespace epubtok::server {
namespace json = boost::json;

namespace {

// Keep-alive as HTTP/1.1 defines it (the header type has no accessor).
bool wants_keep_alive(const http::request_header<>& req) {
  std::string connection(req[http::field::connection]);
  for (char& c : connection) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (req.version() >= 11) return connection.find("close") == std::string::npos;
  return connection.find("keep-alive") != std::string::npos;
}

}  // namespace

Response make_response(const http::request_header<>& req, http::status status, std::string body,
                       std::string_view type) {
  Response res{status, req.version() ? req.version() : 11};
  res.keep_alive(wants_keep_alive(req));
  res.set(http::field::content_type, type);
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  // Messages echo what the client sent (a job id, a path) and file names
  // from disk, neither of them necessarily UTF-8; JSON must be. Structure
  // bytes are ASCII, so only string contents can be ill-formed, and each bad
  // sequence becomes U+FFFD.
  if (type == kJsonType && !epub::is_valid_utf8(body)) body = epub::repair_utf8(body);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response json_response(const http::request_header<>& req, http::status status, const json::value& body) {
  return make_response(req, status, json::serialize(body));
}

Response error_response(const http::request_header<>& req, ErrorCode code, std::string message, json::value details,
                        std::optional<http::status> status) {
  json::object body{{"error", json::object{{"code", error_code_name(code)},
                                           {"message", std::move(message)},
                                           {"details", std::move(details)}}}};
  return make_response(req, status.value_or(status_for(code)), json::serialize(body));
}

Response status_error(const http::request_header<>& req, const Status& s, json::value details) {
  return error_response(req, s.code(), s.message(), std::move(details));
}

Response method_not_allowed(const http::request_header<>& req, std::string_view allow) {
  Response res = error_response(req, ErrorCode::kMethodNotAllowed,
                                std::string(req.method_string()) + " is not allowed here; use " + std::string(allow));
  res.set(http::field::allow, allow);
  return res;
}

http::status status_for(ErrorCode code) {
  switch (code) {
    // A book that cannot be read, a tokenizer that cannot be loaded, or a
    // request that does not make sense: the request is at fault as sent.
    case ErrorCode::kFileUnreadable:
    case ErrorCode::kNotZip:
    case ErrorCode::kZipTruncated:
    case ErrorCode::kZipCorrupt:
    case ErrorCode::kZipBomb:
    case ErrorCode::kMissingContainer:
    case ErrorCode::kMissingOpf:
    case ErrorCode::kMissingSpineItem:
    case ErrorCode::kMalformedXml:
    case ErrorCode::kUnknownEncoding:
    case ErrorCode::kDrm:
    case ErrorCode::kEmptyBook:
    case ErrorCode::kTooLarge:
    case ErrorCode::kUnknownTokenizer:
    case ErrorCode::kVocabMissing:
    case ErrorCode::kVocabCorrupt:
    case ErrorCode::kTokenizerJson:
    case ErrorCode::kUnsupportedComponent:
    case ErrorCode::kHubError:
    case ErrorCode::kApiKeyMissing:
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kInvalidJson:
    case ErrorCode::kInvalidSchema:
    case ErrorCode::kInvalidPath:
    case ErrorCode::kResultsIncomplete:
    case ErrorCode::kResultsDuplicate:
    case ErrorCode::kCancelled: return http::status::bad_request;
    case ErrorCode::kPathOutsideLibrary:
    case ErrorCode::kHostNotAllowed: return http::status::forbidden;
    case ErrorCode::kFileNotFound:
    case ErrorCode::kJobNotFound:
    case ErrorCode::kNotFound: return http::status::not_found;
    case ErrorCode::kMethodNotAllowed: return http::status::method_not_allowed;
    case ErrorCode::kJobFinished:
    case ErrorCode::kJobRunning: return http::status::conflict;
    case ErrorCode::kPayloadTooLarge: return http::status::payload_too_large;
    case ErrorCode::kQueueFull:
    case ErrorCode::kApiRateLimited:  // Anthropic's API was: retry later
      return http::status::too_many_requests;
    case ErrorCode::kApiError:  // Anthropic's API refused or failed
      return http::status::bad_gateway;
    case ErrorCode::kOk:  // not an error: answering with it is a bug
    case ErrorCode::kInternal:
    case ErrorCode::kIoError: return http::status::internal_server_error;
  }
  return http::status::internal_server_error;
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
                        "Host header not allowed (this server answers to localhost and 127.0.0.1 only)");
}

}  // namespace epubtok::server
