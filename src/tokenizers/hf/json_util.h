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

// Fast non-cryptographic hash of a byte string (piece caches, vocabulary
// maps). Reads whole words, overlapping at the tail, so short pieces (the
// common case) cost a couple of multiplies and no byte loop.
inline uint64_t hash_bytes(std::string_view s) {
  const uint64_t kMul = 0x9E3779B97F4A7C15ULL;
  const char* p = s.data();
  size_t n = s.size();
  auto load64 = [](const char* q) {
    uint64_t w;
    __builtin_memcpy(&w, q, 8);
    return w;
  };
  auto load32 = [](const char* q) {
    uint32_t w;
    __builtin_memcpy(&w, q, 4);
    return uint64_t(w);
  };
  uint64_t h = (n + 1) * kMul;
  if (n >= 8) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      h = (h ^ load64(p + i)) * kMul;
      h ^= h >> 29;
    }
    if (i < n) h = (h ^ load64(p + n - 8)) * kMul;
  } else if (n >= 4) {
    h = (h ^ (load32(p) | (load32(p + n - 4) << 32))) * kMul;
  } else if (n > 0) {
    uint64_t w = uint64_t(static_cast<unsigned char>(p[0])) | (uint64_t(static_cast<unsigned char>(p[n / 2])) << 8) |
                 (uint64_t(static_cast<unsigned char>(p[n - 1])) << 16);
    h = (h ^ w) * kMul;
  }
  h ^= h >> 32;
  h *= kMul;
  h ^= h >> 29;
  return h;
}

}  // namespace epubtok::tokenizers::hf
