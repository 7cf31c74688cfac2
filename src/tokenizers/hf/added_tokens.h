// Added tokens (special and not): found in the text before normalization
// (normalized=false) or after it (normalized=true), leftmost-longest, with
// the single_word / lstrip / rstrip rules of the reference.
#pragma once

#include <cstdint>
#include <cstring>
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
  // Whether a pattern may start at s[i] (i + 4 <= s.size()): false only
  // when none can. Why: gemma-3's added tokens include runs of "▁", so
  // after normalization every word boundary would begin a trie walk.
  bool may_match_at(const char* p) const {
    if (short_first_[static_cast<unsigned char>(p[0])]) return true;
    uint32_t w;
    std::memcpy(&w, p, 4);
    uint32_t h = prefix_hash(w);
    return (prefix_bits_[h >> 6] >> (h & 63)) & 1;
  }
  static uint32_t prefix_hash(uint32_t w) { return (w * 0x9E3779B1u) >> (32 - kPrefixBitsLog2); }
  static constexpr int kPrefixBitsLog2 = 17;

  bool first_byte_[256] = {};
  bool short_first_[256] = {};  // first bytes of patterns shorter than 4 bytes
  std::vector<uint64_t> prefix_bits_ =
      std::vector<uint64_t>((size_t(1) << kPrefixBitsLog2) / 64);  // first 4 bytes, hashed
  int only_first_byte_ = -1;                                       // the one byte every pattern starts with, if any
  // The first bytes of the patterns when there are at most kFewFirstBytes
  // of them (Gemma 3's thousands of tokens start with one of five): the
  // scan for the next one tests sixteen bytes at a time. Else empty.
  static constexpr size_t kFewFirstBytes = 8;
  std::vector<unsigned char> few_first_bytes_;
  // The offset of the first byte >= i of s that may start a pattern, or
  // s.size().
  size_t next_first_byte(std::string_view s, size_t i) const;
};

}  // namespace epubtok::tokenizers::hf
