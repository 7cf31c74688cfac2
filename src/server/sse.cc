#include "server/sse.h"

namespace epubtok::server {

std::string sse_frame(uint64_t id, std::string_view type, std::string_view data) {
  std::string out;
  out.reserve(data.size() + type.size() + 40);
  out += "id: ";
  out += std::to_string(id);
  out += "\nevent: ";
  out += type;
  out += "\ndata: ";
  for (size_t i = 0; i < data.size(); ++i) {
    char c = data[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < data.size() && data[i + 1] == '\n') ++i;
      out += "\ndata: ";
    } else {
      out += c;
    }
  }
  out += "\n\n";
  return out;
}

std::string sse_job_frame(const jobs::JobEvent& event) {
  return sse_frame(event.id, jobs::to_string(event.type), event.data);
}

std::string sse_global_frame(const jobs::JobEvent& event) {
  return sse_frame(event.global_id, jobs::to_string(event.type), event.global_data());
}

}  // namespace epubtok::server
