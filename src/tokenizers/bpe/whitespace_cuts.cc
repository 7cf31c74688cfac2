#include "tokenizers/bpe/whitespace_cuts.h"

#include <algorithm>
#include <span>
#include <type_traits>

#include "core/ascii.h"
#include "core/compiled_file.h"

namespace epubtok::tokenizers::bpe {

bool WhitespaceCuts::applies(std::string_view piece) {
  return std::all_of(piece.begin(), piece.end(), [](char c) { return is_ascii_space(static_cast<unsigned char>(c)); });
}

std::vector<uint32_t>& WhitespaceCuts::scratch(size_t n) {
  thread_local std::vector<uint32_t> first;
  if (first.size() < n + 1) first.resize(n + 1);
  return first;
}

WhitespaceCuts::WhitespaceCuts(const RankTable& table) {
  constexpr uint32_t kAbsent = UINT32_MAX;
  // The trie of the white-space tokens (state 0 is the root).
  std::vector<State> trie(1);
  std::fill(std::begin(trie[0].next), std::end(trie[0].next), kAbsent);
  trie[0].longest = 0;
  for (Rank rank = 0; rank < table.rank_end(); ++rank) {
    const std::string_view bytes = table.bytes_of(rank);
    // The first byte rules out nearly every token before the whole check.
    if (bytes.empty() || !is_ascii_space(static_cast<unsigned char>(bytes[0])) || !applies(bytes)) continue;
    uint32_t s = 0;
    for (const char c : bytes) {
      uint32_t& next = trie[s].next[kClass[static_cast<unsigned char>(c)]];
      if (next == kAbsent) {
        next = static_cast<uint32_t>(trie.size());
        State fresh{};
        std::fill(std::begin(fresh.next), std::end(fresh.next), kAbsent);
        trie.push_back(fresh);  // invalidates `next`; it was written first
      }
      s = trie[s].next[kClass[static_cast<unsigned char>(c)]];
    }
    trie[s].longest = static_cast<uint32_t>(bytes.size());
  }
  // Breadth-first: failure links, then the full transition table, and each
  // state's longest token suffix (its own token, else its failure state's).
  std::vector<uint32_t> fail(trie.size(), 0);
  std::vector<uint32_t> queue;
  queue.reserve(trie.size());
  for (uint32_t& child : trie[0].next) {
    if (child == kAbsent) {
      child = 0;
    } else {
      fail[child] = 0;
      queue.push_back(child);
    }
  }
  for (size_t head = 0; head < queue.size(); ++head) {
    const uint32_t s = queue[head];
    trie[s].longest = std::max(trie[s].longest, trie[fail[s]].longest);
    for (size_t a = 0; a < kAlphabet; ++a) {
      uint32_t& child = trie[s].next[a];
      if (child == kAbsent) {
        child = trie[fail[s]].next[a];
      } else {
        fail[child] = trie[fail[s]].next[a];
        queue.push_back(child);
      }
    }
  }
  auto owned = std::make_shared<std::vector<State>>(std::move(trie));
  states_ = owned->data();
  state_count_ = owned->size();
  keep_ = std::move(owned);
}

void WhitespaceCuts::write_sections(compiled::Writer& out, uint32_t first_id) const {
  static_assert(std::is_trivially_copyable_v<State> && sizeof(State) == 4 * (kAlphabet + 1));
  out.add_records(first_id, std::span<const State>(states_, state_count_));
}

bool WhitespaceCuts::from_sections(const compiled::Reader& in, uint32_t first_id, WhitespaceCuts& out) {
  const auto states = in.records<State>(first_id);
  if (!states) return false;
  // Every transition must stay inside the automaton, or for_each_chunk()
  // would read outside it (the file's checksum guards the rest).
  for (const State& s : *states) {
    for (const uint32_t next : s.next) {
      if (next >= states->size()) return false;
    }
  }
  WhitespaceCuts t;
  if (!states->empty()) {
    t.states_ = states->data();
    t.state_count_ = states->size();
    t.keep_ = in.keep_alive();
  }
  out = std::move(t);
  return true;
}

}  // namespace epubtok::tokenizers::bpe
