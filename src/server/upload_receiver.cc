#include "server/upload_receiver.h"

#include "server/multipart.h"

namespace epubtok::server {
namespace beast = boost::beast;

UploadReceiver::~UploadReceiver() {
  if (pending_) ctx_.uploads->abandon(*pending_);
}

std::optional<UploadReceiver::Refusal> UploadReceiver::begin(http::request_parser<http::empty_body>&& header_parser) {
  auto& header = header_parser.get();
  std::optional<uint64_t> length;
  if (auto n = header_parser.content_length()) length = *n;
  bool multipart = multipart_boundary(header[http::field::content_type]).has_value();
  auto pending = ctx_.uploads->begin(length, multipart);
  if (!pending) {
    return Refusal{http::status::payload_too_large, "the upload exceeds the per-file limit (" +
                                                        std::to_string(ctx_.uploads->limits().max_file_bytes >> 20) +
                                                        " MB) or the space left in the upload area"};
  }
  pending_ = std::move(*pending);
  parser_.emplace(std::move(header_parser));
  parser_->body_limit(pending_->body_limit);
  beast::error_code ec;
  parser_->get().body().open(pending_->temp.c_str(), beast::file_mode::write, ec);
  if (ec) {
    ctx_.uploads->abandon(*pending_);
    pending_.reset();
    return Refusal{http::status::internal_server_error, "cannot write to the upload area"};
  }
  return std::nullopt;
}

UploadReceiver::Outcome UploadReceiver::finish(beast::error_code ec) {
  auto& message = parser_->get();
  message.body().close();
  Outcome out;
  if (ec) {
    ctx_.uploads->abandon(*pending_);
    pending_.reset();
    if (ec == http::error::body_limit)
      out.refusal = Refusal{http::status::payload_too_large, "the upload exceeds the limit"};
    return out;
  }
  http::request_header<> header = message.base();
  out.response = finish_upload(header, *pending_, ctx_);
  pending_.reset();
  return out;
}

}  // namespace epubtok::server
