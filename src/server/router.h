// The HTTP API as a pure function from request to response, so every
// endpoint, status code and error body is testable without sockets.
//
// The endpoints are the route table's (routes.h); the handlers are in
// handlers.h. Streaming endpoints cannot be a single response: for SSE the
// router validates the request and returns an SseTarget that the session
// hands to an SseStream; uploads are streamed to disk by the session
// (UploadReceiver) before finish_upload() builds the response.
#pragma once

#include "server/api_types.h"
#include "server/responses.h"
#include "server/routes.h"
#include "server/upload_area.h"

namespace epubtok::server {

// Fills list_models / canonical_tokenizer from the global registry.
void use_global_registry(ApiContext& ctx);

// Routes one request whose body has been read: the Host check, CORS
// preflight, the API (by the route table; 404 for an unknown endpoint, 405
// with Allow for a known one with another method), else the static web UI.
// Never throws.
RouteResult route(const Request& request, const ApiContext& ctx);

// The response to POST /api/uploads once the body is on disk.
Response finish_upload(const http::request_header<>& header, UploadArea::Pending& pending, const ApiContext& ctx);

}  // namespace epubtok::server
