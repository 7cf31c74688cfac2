// The generic regex pre-tokenizer: PCRE2 (JIT) running a tiktoken-style
// pattern. It is the oracle the hand-written scanners (scanner.h) are tested
// against, and the fallback for patterns no scanner knows.
//
// Semantic differences from the reference's Rust fancy-regex, and what we do:
//  * \s / \S: Rust means the White_Space property; PCRE2's UCP \s lacks
//    U+0085. compile() rewrites \s and \S into the explicit White_Space set.
//  * Unicode version: PCRE2 10.42 has Unicode 14 tables, the reference 16.0.
//    Code points assigned since 14.0 classify differently (the differential
//    tests keep them out of their inputs; unicode/char_class.h has the right ones).
//  * Both engines are backtracking, leftmost-first, so alternation order,
//    greedy quantifiers and (?!\S) behave alike.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "tokenizers/pretok/pcre2_pattern.h"

namespace epubtok::tokenizers::pretok {

class RegexPretokenizer {
 public:
  // Compiles `pat_str` (tiktoken syntax) into a Pcre2Pattern. Errors:
  // INVALID_ARGUMENT naming the pattern offset PCRE2 rejected.
  static Result<std::shared_ptr<const RegexPretokenizer>> compile(std::string_view pat_str);

  ~RegexPretokenizer();
  RegexPretokenizer(const RegexPretokenizer&) = delete;
  RegexPretokenizer& operator=(const RegexPretokenizer&) = delete;

  // The end offsets of the successive non-overlapping matches over `text`
  // (valid UTF-8), as find_iter() yields them. Bytes no match covers are
  // skipped, as in tiktoken (none of the tiktoken patterns leaves any).
  // Thread-safe (match data is per call).
  std::vector<std::pair<size_t, size_t>> split(std::string_view text) const;

  // The pattern after the \s / \S rewrite, for tests and diagnostics.
  const std::string& translated_pattern() const { return translated_; }

 private:
  RegexPretokenizer() = default;
  std::unique_ptr<const Pcre2Pattern> pattern_;
  std::string translated_;
};

// The rewrite compile() applies: \s → the White_Space set, \S → its
// complement, inside and outside character classes.
std::string translate_tiktoken_pattern(std::string_view pat_str);

}  // namespace epubtok::tokenizers::pretok
