// unicode16_property(): the Unicode 16.0 property ranges of hf_tables.inc.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <iterator>
#include <string>

#include "tokenizers/unicode/char_class.h"

namespace epubtok::tokenizers {
namespace {

struct HfPropertyEntry {
  const char* name;  // loose form: lower case, no spaces, '_' or '-'
  uint32_t offset;   // into kHfRangeData, in ranges
  uint32_t count;
};

#define EPUBTOK_HF_PROPERTY_RANGES
#include "tokenizers/unicode/hf_tables.inc"
#undef EPUBTOK_HF_PROPERTY_RANGES

static_assert(sizeof(CodePointRange) == 2 * sizeof(char32_t), "kHfRangeData is read as CodePointRange pairs");

}  // namespace

CodePointRanges unicode16_property(std::string_view name) {
  std::string key;
  for (const char c : name) {
    if (c == ' ' || c == '_' || c == '-' || c == '\t') continue;
    key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  const auto* end = std::end(kHfProperties);
  const auto* it = std::lower_bound(
      std::begin(kHfProperties), end, key,
      [](const HfPropertyEntry& e, const std::string& k) { return std::strcmp(e.name, k.c_str()) < 0; });
  if (it == end || key != it->name) return {nullptr, 0};
  return {reinterpret_cast<const CodePointRange*>(kHfRangeData) + it->offset, it->count};
}

}  // namespace epubtok::tokenizers
