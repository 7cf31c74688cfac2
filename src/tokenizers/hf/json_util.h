// Reading tokenizer.json values with errors that name the JSON path.
//
// Inside the hf module, loading code throws LoadError; the public entry
// points (hf_tokenizer.h) catch it and return a Status. Nothing else throws.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error_codes.h"
#include "core/hash.h"

namespace epubtok::tokenizers::hf {

struct LoadError {
  ErrorCode code;
  std::string message;
};

[[noreturn]] void fail(ErrorCode code, std::string message);
// TOKENIZER_JSON_INVALID "<path>: <what>".
[[noreturn]] void fail_at(const std::string& path, const std::string& what);
// TOKENIZER_UNSUPPORTED naming the type and its path.
[[noreturn]] void fail_unsupported(const std::string& path, std::string_view kind, std::string_view type);

const boost::json::object& need_object(const boost::json::value& v, const std::string& path);
const boost::json::array& need_array(const boost::json::value& v, const std::string& path);
std::string_view need_string(const boost::json::value& v, const std::string& path);

// obj[key] as the given type; the default when the key is absent or null.
// A present value of the wrong type is an error naming path.key.
std::string get_string(const boost::json::object& obj, std::string_view key, const std::string& path,
                       std::string_view dflt = "");
bool get_bool(const boost::json::object& obj, std::string_view key, const std::string& path, bool dflt);
int64_t get_int(const boost::json::object& obj, std::string_view key, const std::string& path, int64_t dflt);
double get_double(const boost::json::object& obj, std::string_view key, const std::string& path, double dflt);
bool has_non_null(const boost::json::object& obj, std::string_view key);
// The required "type" tag of a component.
std::string_view get_type(const boost::json::object& obj, const std::string& path);

// The byte-string hash of the piece cache and the vocabulary maps.
using epubtok::hash_bytes;

}  // namespace epubtok::tokenizers::hf
