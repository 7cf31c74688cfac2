// Exact cut points inside pieces made only of ASCII white space.
//
// Why: indented markup, code and poetry put long runs of spaces and line
// feeds between words, and the pre-tokenizers' `\s*[\r\n]+` turns a run of
// blank, indented lines into one piece of hundreds of bytes. Such pieces
// rarely repeat, so the piece caches miss and BPE merges each one whole.
//
// The rule is split_filter.h's, exact for any BPE vocabulary: if no token
// of the vocabulary occurs in the piece spanning position b, no merge ever
// crosses b, and BPE(s) = BPE(s[0, b)) + BPE(s[b, n)). For a piece of
// white space only, the tokens that can occur in it are the vocabulary's
// white-space tokens (a few hundred, up to 128 bytes long), so instead of a
// window filter this class finds every occurrence exactly, with an
// Aho-Corasick automaton over those tokens: one table step per byte gives
// the longest token ending at each position, and every shorter token
// ending there spans a subset of its positions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "tokenizers/bpe/rank_table.h"

namespace epubtok::compiled {
class Reader;
class Writer;
}  // namespace epubtok::compiled

namespace epubtok::tokenizers::bpe {

class WhitespaceCuts {
 public:
  WhitespaceCuts() = default;  // no tokens: every position is a cut
  // Builds the automaton over every token of `table` made only of the six
  // ASCII white-space bytes (\t \n \v \f \r and space). Immutable and
  // thread-safe afterwards.
  explicit WhitespaceCuts(const RankTable& table);

  // Serialization, as RankTable's: the automaton is stored in the compiled
  // vocabulary (building it walks every token) and used in place.
  static constexpr uint32_t kSections = 1;
  void write_sections(compiled::Writer& out, uint32_t first_id) const;
  // False, leaving `out` alone, when the section is missing or malformed.
  static bool from_sections(const compiled::Reader& in, uint32_t first_id, WhitespaceCuts& out);

  // True when every byte of `piece` is ASCII white space.
  static bool applies(std::string_view piece);

  // Calls emit(chunk) for the consecutive chunks of `piece` (applies() must
  // hold) cut at every position that no white-space token spans; the
  // chunks' BPE counts add up to the piece's. Thread-safe.
  template <typename Emit>
  void for_each_chunk(std::string_view piece, Emit&& emit) const {
    const size_t n = piece.size();
    std::vector<uint32_t>& first = scratch(n);  // first[e]: start of the longest token ending at e
    uint32_t state = 0;
    for (size_t i = 0; i < n; ++i) {
      if (states_ == nullptr) {
        first[i + 1] = static_cast<uint32_t>(i + 1);
        continue;
      }
      state = states_[state].next[kClass[static_cast<unsigned char>(piece[i])]];
      first[i + 1] = static_cast<uint32_t>(i + 1 - states_[state].longest);
    }
    // Right to left: position b is spanned when some token ending after b
    // starts before it. Chunks come out in reverse order; counts add.
    uint32_t min_first = static_cast<uint32_t>(n);
    size_t chunk_end = n;
    for (size_t b = n - 1; b > 0; --b) {
      if (first[b + 1] < min_first) min_first = first[b + 1];
      if (min_first >= b) {
        emit(piece.substr(b, chunk_end - b));
        chunk_end = b;
      }
    }
    emit(piece.substr(0, chunk_end));
  }

 private:
  static constexpr size_t kAlphabet = 6;
  // Byte -> index in the automaton's alphabet (only white space is looked up).
  static constexpr std::array<uint8_t, 256> kClass = [] {
    std::array<uint8_t, 256> c{};
    c['\t'] = 0;
    c['\n'] = 1;
    c['\v'] = 2;
    c['\f'] = 3;
    c['\r'] = 4;
    c[' '] = 5;
    return c;
  }();
  // A record of the compiled file's section, hence a fixed layout.
  struct State {
    uint32_t next[kAlphabet];  // full transition table (goto + failure resolved)
    uint32_t longest;          // length of the longest token that is a suffix of this state's string
  };
  static std::vector<uint32_t>& scratch(size_t n);

  // states_[0] is the root; null when there are no states. They are in
  // storage this object built or in a mapped compiled file: keep_ owns
  // whichever it is.
  const State* states_ = nullptr;
  size_t state_count_ = 0;
  std::shared_ptr<const void> keep_;
};

}  // namespace epubtok::tokenizers::bpe
