// Pretty-printing for Boost.JSON values (Boost 1.81 only serialises compactly).
#pragma once

#include <string>

#include <boost/json/value.hpp>

namespace epubtok::results {

// `value` as JSON with 2-space indentation, object keys in insertion order,
// empty arrays/objects as [] / {}. No trailing newline.
std::string pretty_json(const boost::json::value& value);

}  // namespace epubtok::results
