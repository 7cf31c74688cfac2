// Pretty-printing for Boost.JSON values (Boost 1.81 only serialises compactly).
#pragma once

#include <string>

#include <boost/json/value.hpp>

namespace epubtok::results {

// `value` as JSON with 2-space indentation, object keys in insertion order,
// empty arrays/objects as [] / {}. No trailing newline. `depth` is the
// nesting level the value sits at (its inner lines are indented for it), so
// a document can be written piece by piece with the same bytes as whole.
std::string pretty_json(const boost::json::value& value, int depth = 0);

}  // namespace epubtok::results
