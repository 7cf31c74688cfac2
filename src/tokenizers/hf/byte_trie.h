// ByteTrie: a trie over bytes whose nodes each carry one value, shared by
// the added-token matcher (longest pattern at a position) and the Unigram
// model (every vocabulary piece starting at a position).
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace epubtok::tokenizers::hf {

// Node 0 is the root; child() returns 0 for "no such edge", which is
// unambiguous because the root is never a child. Not thread-safe to build;
// const member functions may be called concurrently once built.
template <typename Value>
class ByteTrie {
 public:
  // `empty` is the value of every node until set (e.g. -1 for "no entry").
  explicit ByteTrie(Value empty) : empty_(empty) { clear(); }

  void clear() {
    values_.assign(1, empty_);
    edges_.clear();
  }

  // The node reached by `key`, creating it and its prefixes as needed.
  uint32_t insert(std::string_view key) {
    uint32_t node = 0;
    for (unsigned char c : key) {
      auto [it, added] = edges_.try_emplace(edge_key(node, c), uint32_t(values_.size()));
      if (added) values_.push_back(empty_);
      node = it->second;
    }
    return node;
  }

  // The child of `node` along byte `c`, or 0 when there is none.
  uint32_t child(uint32_t node, unsigned char c) const {
    auto it = edges_.find(edge_key(node, c));
    return it == edges_.end() ? 0 : it->second;
  }

  Value& value(uint32_t node) { return values_[node]; }
  const Value& value(uint32_t node) const { return values_[node]; }

 private:
  static uint64_t edge_key(uint32_t node, unsigned char c) { return (uint64_t(node) << 8) | c; }

  Value empty_;
  std::vector<Value> values_;
  std::unordered_map<uint64_t, uint32_t> edges_;
};

}  // namespace epubtok::tokenizers::hf
