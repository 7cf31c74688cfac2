// Regex matching for tokenizer.json patterns (Split, Replace, ByteLevel).
//
// The reference runs Oniguruma; we run PCRE2 (UTF + UCP + JIT) after
// translating the few classes whose meaning differs (\s, \S, \w, \W), and use
// hand-written scanners for the common GPT-4-style patterns. The PCRE2 path
// is the oracle the scanners are tested against (regex_test.cc).
#pragma once

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace epubtok::tokenizers::hf {

using Span = std::pair<size_t, size_t>;  // [begin, end) byte offsets

// Receives matches one at a time (see Matcher::scan).
class SpanSink {
 public:
  virtual void on_span(size_t begin, size_t end) = 0;

 protected:
  ~SpanSink() = default;
};

// What a matcher is, for the code that picks fast paths by it (the count
// loop's fused scanners, chain fusing, clean splits).
enum class MatcherKind : uint8_t {
  kPcre2,           // any pattern, through PCRE2
  kLiteral,         // a {"String": s} pattern
  kLlama3,          // hand-written scanner of kLlama3Pattern (cl100k-style)
  kQwen,            // hand-written scanner of kQwenPattern
  kGpt2,            // hand-written scanner of kGpt2Pattern
  kDeepSeekDigits,  // hand-written scanners of DeepSeek V3's three Splits ...
  kDeepSeekCjk,
  kDeepSeekMain,
  kDeepSeekFused,  // ... and all three fused in one pass (make_fused_chain)
};

class Matcher {
 public:
  virtual ~Matcher() = default;
  virtual MatcherKind kind() const = 0;
  // Calls sink.on_span for each match find_all would return, in order,
  // without building a vector (the scanners' hot path). Thread-safe.
  virtual void scan(std::string_view s, SpanSink& sink) const {
    std::vector<Span> spans;
    find_all(s, spans);
    for (auto [b, e] : spans) sink.on_span(b, e);
  }
  // Appends the non-empty, non-overlapping, leftmost-first matches of the
  // pattern in `s` (valid UTF-8) to `out`, in order. Thread-safe.
  virtual void find_all(std::string_view s, std::vector<Span>& out) const = 0;
  // True when find_all's matches always cover `s` end to end (each starts
  // where the previous ended), as the hand-written Llama 3 / Qwen scanner
  // and the fused DeepSeek scanner do: then the matches are the pieces.
  virtual bool covers() const { return false; }
  // The string a kLiteral matcher matches; empty for the other kinds.
  virtual std::string_view literal() const { return {}; }
  // Human-readable description for tests and error messages.
  virtual std::string describe() const = 0;
};

// A PCRE2 matcher for an Oniguruma-syntax pattern. Throws LoadError
// (TOKENIZER_JSON_INVALID naming `path`) when the pattern does not compile.
std::unique_ptr<Matcher> make_pcre2_matcher(const std::string& pattern, const std::string& path);

// A matcher for a literal string (Split / Replace "String" patterns).
std::unique_ptr<Matcher> make_literal_matcher(std::string literal);

// The matcher for `pattern`: a hand-written scanner when one exists for it
// (Llama 3 / GPT-4 cl100k-style, Qwen 2/3, GPT-2, DeepSeek V3's Splits),
// else PCRE2.
// `allow_scanner` = false forces PCRE2 (differential tests).
std::unique_ptr<Matcher> make_regex_matcher(const std::string& pattern, const std::string& path,
                                            bool allow_scanner = true);

// One matcher doing the work of `chain` (isolating Splits applied in turn,
// see PreTokenizer::isolating_chain) in a single pass, reporting every
// piece as a span; null when no fused scanner exists for that chain (one
// does for DeepSeek V3's three scanners). Thread-safe.
std::unique_ptr<Matcher> make_fused_chain(const std::vector<const Matcher*>& chain);

// The pieces of `s` after `chain`'s isolating Splits, applied in turn and
// one at a time: the matches and the gaps between them, each cut again by
// the next matcher. The plain definition that fused scanners are checked
// against (differential tests, fuzzing); the engine streams pieces instead.
std::vector<Span> isolated_chain_pieces(std::string_view s, const std::vector<const Matcher*>& chain);

// The matcher for a tokenizer.json pattern object {"String": s} or
// {"Regex": r} at `path`. Throws LoadError when malformed.
std::unique_ptr<Matcher> make_pattern(const boost::json::value& v, const std::string& path, bool allow_scanner = true);

// The Oniguruma → PCRE2 translation make_pcre2_matcher applies (exposed
// for tests).
std::string translate_oniguruma(std::string_view pattern);

// The GPT-2 pattern ByteLevel uses when use_regex is true.
inline constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
// Llama 3 (and cl100k_base); Qwen 2/3 is the same with \p{N} instead of \p{N}{1,3}.
inline constexpr const char* kLlama3Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
inline constexpr const char* kQwenPattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// DeepSeek V3's three Split patterns (digits in threes, CJK/kana runs, then
// a GPT-4-like pattern with \p{P}/\p{S} classes), each with a scanner.
inline constexpr const char* kDeepSeekDigitsPattern = R"(\p{N}{1,3})";
inline constexpr const char* kDeepSeekCjkPattern = "[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+";
inline constexpr const char* kDeepSeekMainPattern =
    "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| "
    "?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+";

}  // namespace epubtok::tokenizers::hf
