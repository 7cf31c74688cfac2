// The API's handlers, one per route of the table in routes.cc, where each
// one's method and path are written. Every handler validates its request
// and answers with a response (or, for SSE routes, the stream's head and
// target); none throws on bad input.
#pragma once

#include "server/routes.h"

namespace epubtok::server::handlers {

// library_handlers.cc
RouteResult health(const Request& req, const RouteArgs& args, const ApiContext& ctx);
RouteResult models(const Request& req, const RouteArgs& args, const ApiContext& ctx);
RouteResult browse(const Request& req, const RouteArgs& args, const ApiContext& ctx);
RouteResult chapter_text(const Request& req, const RouteArgs& args, const ApiContext& ctx);
RouteResult validate(const Request& req, const RouteArgs& args, const ApiContext& ctx);

// job_handlers.cc
RouteResult process(const Request& req, const RouteArgs& args, const ApiContext& ctx);
RouteResult list_jobs(const Request& req, const RouteArgs& args, const ApiContext& ctx);
RouteResult create_job(const Request& req, const RouteArgs& args, const ApiContext& ctx);
RouteResult get_job(const Request& req, const RouteArgs& args, const ApiContext& ctx);
RouteResult delete_job(const Request& req, const RouteArgs& args, const ApiContext& ctx);
RouteResult cancel_job(const Request& req, const RouteArgs& args, const ApiContext& ctx);
RouteResult results_json(const Request& req, const RouteArgs& args, const ApiContext& ctx);
RouteResult results_csv(const Request& req, const RouteArgs& args, const ApiContext& ctx);
RouteResult results_md(const Request& req, const RouteArgs& args, const ApiContext& ctx);
RouteResult job_events(const Request& req, const RouteArgs& args, const ApiContext& ctx);
RouteResult all_events(const Request& req, const RouteArgs& args, const ApiContext& ctx);

}  // namespace epubtok::server::handlers
