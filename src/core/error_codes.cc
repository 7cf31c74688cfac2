#include "core/error_codes.h"

#include <array>

#include "core/status.h"

namespace epubtok {
namespace {

struct CodeInfo {
  ErrorCode code;
  std::string_view name;
  std::string_view description;
};

constexpr std::array kCodes = {
#define EPUBTOK_INFO(name, str, desc) CodeInfo{ErrorCode::name, str, desc},
    EPUBTOK_ERROR_CODES(EPUBTOK_INFO)
#undef EPUBTOK_INFO
};

const CodeInfo& info(ErrorCode code) { return kCodes.at(static_cast<size_t>(code)); }

}  // namespace

std::string_view error_code_name(ErrorCode code) { return info(code).name; }
std::string_view error_code_description(ErrorCode code) { return info(code).description; }

std::optional<ErrorCode> parse_error_code(std::string_view name) {
  for (const CodeInfo& c : kCodes) {
    if (c.name == name) return c.code;
  }
  return std::nullopt;
}

std::string Status::to_string() const {
  if (is_ok()) return "OK";
  std::string out(code_name());
  out += ": ";
  out += message_;
  return out;
}

}  // namespace epubtok
