// Hand-written pre-tokenizers for the three regex families of the OpenAI
// encodings, as the tiktoken engine uses them.
//
// pretok/ is the pre-tokenization layer both engines share: one scanner per
// grammar, each in its own file (cl100k_scanner.h, o200k_scanner.h,
// gpt2_scanner.h, deepseek_scanner.h), parameterised by the Unicode version
// of its character classes (unicode/char_class.h); the ASCII fast path
// (ascii_piece.h); the PCRE2 oracle (regex_pretokenizer.h). This header
// picks the tiktoken engine's parameters; the Hugging Face engine picks its
// own in hf/scanners.h.
//
// A pre-tokenizer splits text into "pieces" that BPE encodes independently.
// tiktoken does it with a backtracking regex (fancy-regex); these scanners
// produce exactly the same pieces as that regex's leftmost-first
// find_iter(), without a regex engine: each one decides the alternative from
// the first one or two code points and then scans runs of one class. That is
// what makes counting run at hundreds of MB/s (a regex VM runs at ~20-50
// MB/s here). regex_pretokenizer.h is the slow oracle they are tested
// against (scanner_test.cc).
//
// Families (pattern strings verbatim from the vocab files):
//   kCl100k: (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
//            ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
//            (also Llama 3's and DeepSeek-V3's pattern up to details)
//   kO200k:  o200k_base's cased-letter pattern with [\r\n/]* after symbols
//   kGpt2:   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//            (r50k_base, p50k_base, the legacy Claude tokenizer, GPT-2)
//
// Character classes are kTiktokenUnicode's; invalid UTF-8 bytes count as
// one U+FFFD each.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "tokenizers/pretok/cl100k_scanner.h"
#include "tokenizers/pretok/gpt2_scanner.h"
#include "tokenizers/pretok/o200k_scanner.h"
#include "tokenizers/pretok/pattern_family.h"
#include "tokenizers/unicode/char_class.h"

namespace epubtok::tokenizers::pretok {

// The Unicode version of the tiktoken engine's classes; see UnicodeVersion
// for why.
inline constexpr UnicodeVersion kTiktokenUnicode = UnicodeVersion::k16_0;

namespace detail {
// The three grammars' piece ends with the tiktoken engine's parameters
// (inline, for the engine's own count loop).
inline size_t cl100k_end(std::string_view text, size_t pos) {
  return cl100k_end<kTiktokenUnicode, 3, Utf8Input::kAny>(text, pos);
}
inline size_t o200k_end(std::string_view text, size_t pos) { return o200k_end<kTiktokenUnicode>(text, pos); }
inline size_t gpt2_end(std::string_view text, size_t pos) { return gpt2_end<kTiktokenUnicode>(text, pos); }
}  // namespace detail

// The family whose scanner reproduces `pat_str` exactly, or nullopt when the
// pattern is not one of the three known strings (then use RegexPretokenizer).
std::optional<PatternFamily> recognize_pattern(std::string_view pat_str);

// The byte offset where the piece starting at `pos` ends (always > pos, at
// a code point boundary, <= text.size()). Requires pos < text.size() and
// `pos` at the start of a piece (0, or the end of the previous piece): the
// patterns are not restartable at arbitrary positions. Thread-safe, pure.
size_t cl100k_piece_end(std::string_view text, size_t pos);
size_t o200k_piece_end(std::string_view text, size_t pos);
size_t gpt2_piece_end(std::string_view text, size_t pos);

// Calls f(std::string_view piece) for each piece of `text` in order; the
// pieces concatenate to `text`. Empty text yields nothing.
template <typename F>
void for_each_piece(PatternFamily family, std::string_view text, F&& f) {
  auto run = [&](auto end_of) {
    size_t pos = 0;
    while (pos < text.size()) {
      const size_t end = end_of(text, pos);
      f(text.substr(pos, end - pos));
      pos = end;
    }
  };
  switch (family) {
    case PatternFamily::kCl100k: run([](std::string_view t, size_t p) { return detail::cl100k_end(t, p); }); break;
    case PatternFamily::kO200k: run([](std::string_view t, size_t p) { return detail::o200k_end(t, p); }); break;
    case PatternFamily::kGpt2: run([](std::string_view t, size_t p) { return detail::gpt2_end(t, p); }); break;
  }
}

}  // namespace epubtok::tokenizers::pretok
