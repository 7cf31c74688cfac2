#include "results/json_pretty.h"

#include <boost/json/serialize.hpp>

namespace epubtok::results {
namespace {

void write(const boost::json::value& v, std::string& out, int depth) {
  auto newline = [&](int d) {
    out += '\n';
    out.append(static_cast<size_t>(d) * 2, ' ');
  };
  if (v.is_object()) {
    const auto& obj = v.get_object();
    if (obj.empty()) {
      out += "{}";
      return;
    }
    out += '{';
    bool first = true;
    for (const auto& [key, member] : obj) {
      if (!first) out += ',';
      first = false;
      newline(depth + 1);
      out += boost::json::serialize(boost::json::string_view(key));
      out += ": ";
      write(member, out, depth + 1);
    }
    newline(depth);
    out += '}';
  } else if (v.is_array()) {
    const auto& arr = v.get_array();
    if (arr.empty()) {
      out += "[]";
      return;
    }
    out += '[';
    bool first = true;
    for (const auto& element : arr) {
      if (!first) out += ',';
      first = false;
      newline(depth + 1);
      write(element, out, depth + 1);
    }
    newline(depth);
    out += ']';
  } else {
    out += boost::json::serialize(v);
  }
}

}  // namespace

std::string pretty_json(const boost::json::value& value, int depth) {
  std::string out;
  write(value, out, depth);
  return out;
}

}  // namespace epubtok::results
