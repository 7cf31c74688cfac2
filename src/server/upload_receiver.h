// UploadReceiver: the body of one POST /api/uploads, streamed into the
// upload area (never held in memory), and the response once it is on disk.
// The HttpSession does the reading; this class owns the file, the space
// reserved for it and the parser that writes into it.
#pragma once

#include <optional>
#include <string>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http.hpp>

#include "server/router.h"
#include "server/upload_area.h"

namespace epubtok::server {

class UploadReceiver {
 public:
  // An upload refused before or while its body is read: the session
  // answers `status` with `message` and closes (the body is unread).
  struct Refusal {
    http::status status;
    std::string message;
  };

  // `ctx` must outlive the receiver.
  explicit UploadReceiver(const ApiContext& ctx) : ctx_(ctx) {}
  // Abandons an upload that did not finish (the temporary file and the
  // reserved space are released).
  ~UploadReceiver();
  UploadReceiver(const UploadReceiver&) = delete;
  UploadReceiver& operator=(const UploadReceiver&) = delete;

  // Reserves room for the request whose header `header_parser` has read
  // (by its Content-Length, when given) and opens the temporary file;
  // takes the parser over. A Refusal (413: over the per-file limit or the
  // space left; 500: the file cannot be written) when it cannot.
  std::optional<Refusal> begin(http::request_parser<http::empty_body>&& header_parser);
  // The parser to read the body with, after begin() succeeded.
  http::request_parser<http::file_body>& parser() { return *parser_; }

  struct Outcome {
    std::optional<Response> response;  // the answer (201, or an error body)
    std::optional<Refusal> refusal;    // the body went over the limit
    // Neither: the read failed; close without answering.
  };
  // After the body was read with result `ec`: stores the upload
  // (finish_upload) or abandons it.
  Outcome finish(boost::beast::error_code ec);

 private:
  const ApiContext& ctx_;
  std::optional<http::request_parser<http::file_body>> parser_;
  std::optional<UploadArea::Pending> pending_;
};

}  // namespace epubtok::server
