#include "tokenizers/hf/precompiled.h"

#include <unicode/brkiter.h>
#include <unicode/utext.h>

#include <cstring>
#include <memory>

#include "tokenizers/hf/json_util.h"
#include "tokenizers/hf/unicode.h"

namespace epubtok::tokenizers::hf {
namespace {

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

PrecompiledCharsMap PrecompiledCharsMap::from_base64(std::string_view b64, const std::string& path) {
  std::string blob;
  blob.reserve(b64.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : b64) {
    if (c == '=') break;
    int v = b64_value(c);
    if (v < 0) fail_at(path, "invalid base64");
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      blob.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return from_blob(blob, path);
}

PrecompiledCharsMap PrecompiledCharsMap::from_blob(std::string_view blob, const std::string& path) {
  if (blob.size() < 4) fail_at(path, "charsmap is truncated");
  uint32_t trie_size;
  std::memcpy(&trie_size, blob.data(), 4);
  if (trie_size % 4 != 0 || trie_size > blob.size() - 4) fail_at(path, "charsmap trie size is invalid");
  PrecompiledCharsMap map;
  map.units_.resize(trie_size / 4);
  std::memcpy(map.units_.data(), blob.data() + 4, trie_size);
  map.normalized_ = std::string(blob.substr(4 + trie_size));
  if (map.units_.empty()) fail_at(path, "charsmap trie is empty");
  if (!is_valid_utf8(map.normalized_)) fail_at(path, "charsmap replacements are not UTF-8");
  return map;
}

const char* PrecompiledCharsMap::transform(std::string_view chunk, size_t* out_len) const {
  // darts-clone unit layout: label in bits 0-7 (+bit 31), has_leaf bit 8,
  // offset in bits 10-31 scaled by bit 9.
  auto offset = [](uint32_t u) { return (u >> 10) << ((u & (1u << 9)) >> 6); };
  size_t pos = offset(units_[0]);
  for (unsigned char c : chunk) {
    if (c == 0) break;
    pos ^= c;
    if (pos >= units_.size()) return nullptr;
    uint32_t unit = units_[pos];
    if ((unit & ((1u << 31) | 0xFF)) != c) return nullptr;
    pos ^= offset(unit);
    if ((unit >> 8) & 1) {
      if (pos >= units_.size()) return nullptr;
      size_t start = units_[pos] & ((1u << 31) - 1);
      if (start > normalized_.size()) return nullptr;
      size_t end = normalized_.find('\0', start);
      if (end == std::string::npos) end = normalized_.size();
      *out_len = end - start;
      return normalized_.data() + start;
    }
  }
  return nullptr;
}

std::string PrecompiledCharsMap::normalize(std::string_view s, bool* head_dropped) const {
  std::string out;
  out.reserve(s.size());
  UErrorCode err = U_ZERO_ERROR;
  UText* text = utext_openUTF8(nullptr, s.data(), int64_t(s.size()), &err);
  std::unique_ptr<icu::BreakIterator> it(icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), err));
  if (U_FAILURE(err) || !it) {
    utext_close(text);
    return std::string(s);
  }
  it->setText(text, err);
  int32_t start = it->first();
  for (int32_t end = it->next(); end != icu::BreakIterator::DONE; start = end, end = it->next()) {
    std::string_view g = s.substr(size_t(start), size_t(end - start));
    size_t len = 0;
    if (g.size() < 6) {
      if (const char* r = transform(g, &len)) {
        if (start == 0 && len == 0 && head_dropped) *head_dropped = true;
        out.append(r, len);
        continue;
      }
    }
    for (size_t i = 0; i < g.size();) {
      size_t cl = utf8_len(static_cast<unsigned char>(g[i]));
      std::string_view ch = g.substr(i, cl);
      if (const char* r = transform(ch, &len)) {
        if (start == 0 && i == 0 && len == 0 && head_dropped) *head_dropped = true;
        out.append(r, len);
      } else {
        out.append(ch);
      }
      i += cl;
    }
  }
  utext_close(text);
  return out;
}

}  // namespace epubtok::tokenizers::hf
