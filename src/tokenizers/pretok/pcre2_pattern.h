// One compiled PCRE2 pattern and its find_iter, for the regex
// pre-tokenizers of both engines. Each engine first translates its
// reference's syntax into PCRE2's (tiktoken's Rust regex in
// regex_pretokenizer.h, Hugging Face's Oniguruma in hf/regex.cc); what
// remains, compiling with UTF and Unicode properties (JIT where the
// platform has it) and walking the matches, is this one class.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace epubtok::tokenizers::pretok {

class Pcre2Pattern {
 public:
  // Compiles `pattern` (PCRE2 syntax) with PCRE2_UTF | PCRE2_UCP. Errors:
  // INVALID_ARGUMENT with the offset PCRE2 rejected and its message.
  static Result<std::unique_ptr<const Pcre2Pattern>> compile(std::string_view pattern);

  ~Pcre2Pattern();
  Pcre2Pattern(const Pcre2Pattern&) = delete;
  Pcre2Pattern& operator=(const Pcre2Pattern&) = delete;

  // Appends the [begin, end) byte offsets of the successive non-empty
  // matches over `text` (valid UTF-8), leftmost-first from left to right.
  // After an empty match the search moves on by one code point, as both
  // Rust's find_iter and Oniguruma's iterator do; bytes no match covers are
  // skipped. Thread-safe (match data is per call).
  void find_all(std::string_view text, std::vector<std::pair<size_t, size_t>>& out) const;

 private:
  struct Code;
  explicit Pcre2Pattern(std::unique_ptr<Code> code);
  std::unique_ptr<Code> code_;
};

}  // namespace epubtok::tokenizers::pretok
