#include "tokenizers/hf/json_util.h"

namespace epubtok::tokenizers::hf {

namespace json = boost::json;

void fail(ErrorCode code, std::string message) { throw LoadError{code, std::move(message)}; }

void fail_at(const std::string& path, const std::string& what) { fail(ErrorCode::kTokenizerJson, path + ": " + what); }

void fail_unsupported(const std::string& path, std::string_view kind, std::string_view type) {
  fail(ErrorCode::kUnsupportedComponent,
       std::string(kind) + " type \"" + std::string(type) + "\" at " + path + " is not supported");
}

const json::object& need_object(const json::value& v, const std::string& path) {
  if (!v.is_object()) fail_at(path, "expected an object");
  return v.get_object();
}

const json::array& need_array(const json::value& v, const std::string& path) {
  if (!v.is_array()) fail_at(path, "expected an array");
  return v.get_array();
}

std::string_view need_string(const json::value& v, const std::string& path) {
  if (!v.is_string()) fail_at(path, "expected a string");
  const json::string& s = v.get_string();
  return {s.data(), s.size()};
}

bool has_non_null(const json::object& obj, std::string_view key) {
  const json::value* v = obj.if_contains(key);
  return v && !v->is_null();
}

std::string get_string(const json::object& obj, std::string_view key, const std::string& path, std::string_view dflt) {
  const json::value* v = obj.if_contains(key);
  if (!v || v->is_null()) return std::string(dflt);
  return std::string(need_string(*v, path + "." + std::string(key)));
}

bool get_bool(const json::object& obj, std::string_view key, const std::string& path, bool dflt) {
  const json::value* v = obj.if_contains(key);
  if (!v || v->is_null()) return dflt;
  if (!v->is_bool()) fail_at(path + "." + std::string(key), "expected true or false");
  return v->get_bool();
}

int64_t get_int(const json::object& obj, std::string_view key, const std::string& path, int64_t dflt) {
  const json::value* v = obj.if_contains(key);
  if (!v || v->is_null()) return dflt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= uint64_t(INT64_MAX)) return int64_t(v->get_uint64());
  fail_at(path + "." + std::string(key), "expected an integer");
}

double get_double(const json::object& obj, std::string_view key, const std::string& path, double dflt) {
  const json::value* v = obj.if_contains(key);
  if (!v || v->is_null()) return dflt;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return double(v->get_int64());
  if (v->is_uint64()) return double(v->get_uint64());
  fail_at(path + "." + std::string(key), "expected a number");
}

std::string_view get_type(const json::object& obj, const std::string& path) {
  const json::value* v = obj.if_contains("type");
  if (!v) fail_at(path, "missing \"type\"");
  return need_string(*v, path + ".type");
}

}  // namespace epubtok::tokenizers::hf
