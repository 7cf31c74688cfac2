// Building responses: the common headers, JSON bodies, the error body
// {"error":{"code","message","details"}} and the HTTP status of every error
// code, CORS and the Host check.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "core/error_codes.h"
#include "core/status.h"
#include "server/api_types.h"

namespace epubtok::server {

inline constexpr std::string_view kJsonType = "application/json";

// A response with `body` of content type `type`, the request's HTTP version
// and keep-alive, and the headers every API response carries (no-store,
// nosniff).
Response make_response(const http::request_header<>& header, http::status status, std::string body,
                       std::string_view type = kJsonType);
// The same with a JSON body.
Response json_response(const http::request_header<>& header, http::status status, const boost::json::value& body);

// The common error body with the status that fits `code` (status_for())
// unless `status` is given.
Response error_response(const http::request_header<>& header, ErrorCode code, std::string message,
                        boost::json::value details = nullptr, std::optional<http::status> status = std::nullopt);
// error_response() for a non-OK status.
Response status_error(const http::request_header<>& header, const Status& status, boost::json::value details = nullptr);
// 405 METHOD_NOT_ALLOWED with an Allow header listing `allow`.
Response method_not_allowed(const http::request_header<>& header, std::string_view allow);
// The HTTP status for an error code; every code has one (the switch has no
// default, so a new code does not compile silently into a 400).
http::status status_for(ErrorCode code);

// Adds CORS headers when --cors-origin is set and matches the request's Origin.
void add_cors(Response& response, const http::request_header<>& header, const ApiContext& ctx);

// The DNS-rebinding guard: nullopt when the Host header names the bound
// host, localhost, 127.0.0.1 or [::1] (any port), else a 403 response.
std::optional<Response> check_host(const http::request_header<>& header, const ApiContext& ctx);

}  // namespace epubtok::server
