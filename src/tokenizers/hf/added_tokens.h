// Added tokens (special and not): found in the text before normalization
// (normalized=false) or after it (normalized=true), leftmost-longest, with
// the single_word / lstrip / rstrip rules of the reference.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokenizers/hf/byte_trie.h"

namespace epubtok::tokenizers::hf {

struct AddedToken {
  uint32_t id = 0;
  std::string content;
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = true;
  bool special = false;
};

// One part of a split: an added token (id set) or plain text.
struct AddedSplit {
  size_t begin, end;
  std::optional<uint32_t> id;
};

// A set of added-token patterns. Immutable after build(); thread-safe.
class AddedTokenMatcher {
 public:
  // `patterns[i]` is what to look for (the content, normalized when the
  // token is); `tokens[i]` its token.
  void build(std::vector<std::string> patterns, std::vector<AddedToken> tokens);
  bool empty() const { return tokens_.empty(); }

  // Cuts `s` into added tokens and the text between them, covering all of
  // `s` (an empty `s` gives one empty text part).
  void split(std::string_view s, std::vector<AddedSplit>& out) const;

 private:
  // Longest pattern starting at s[i]: its index, or -1.
  int longest_at(std::string_view s, size_t i, size_t* len) const;

  std::vector<std::string> patterns_;
  std::vector<AddedToken> tokens_;
  ByteTrie<int32_t> trie_{-1};  // node → index of the pattern ending there, or -1
  bool first_byte_[256] = {};
  int only_first_byte_ = -1;  // the one byte every pattern starts with, if any
};

}  // namespace epubtok::tokenizers::hf
