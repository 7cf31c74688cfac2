// The hand-written scanners of the common pre-tokenizer patterns as this
// engine's matchers: the cl100k grammar (Llama 3, and Qwen with one digit
// per number), GPT-2's (ByteLevel's use_regex) and DeepSeek V3's three
// Splits fused into one pass, all from
// the shared pre-tokenization layer (pretok/) at this engine's Unicode
// version. Internal to the engine: regex.cc builds them (make_regex_matcher,
// make_fused_chain) and the tokenizer's count loop runs their `run`
// templates directly, with the piece cache inline, instead of going through
// Matcher's virtual interface and a vector of spans.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tokenizers/hf/regex.h"
#include "tokenizers/hf/unicode.h"
#include "tokenizers/pretok/cl100k_scanner.h"
#include "tokenizers/pretok/deepseek_scanner.h"
#include "tokenizers/pretok/gpt2_scanner.h"

namespace epubtok::tokenizers::hf::detail {

// The hand-written scanners below each have one loop, a member template
// `run(s, emit)` calling emit(begin, end) per match; find_all() and scan()
// are that loop with two emits, inlined, so neither pays for the other.
template <typename Derived>
class EmittingMatcher : public Matcher {
 public:
  void find_all(std::string_view s, std::vector<Span>& out) const final {
    static_cast<const Derived&>(*this).run(s, [&](size_t b, size_t e) { out.emplace_back(b, e); });
  }
  void scan(std::string_view s, SpanSink& sink) const final {
    static_cast<const Derived&>(*this).run(s, [&](size_t b, size_t e) { sink.on_span(b, e); });
  }
};

// kLlama3Pattern (max_digits 3) and kQwenPattern (max_digits 1): the cl100k
// grammar, pretok::Cl100kScanner, on valid UTF-8 (the engine sanitizes its
// input first). The pieces tile the text.
class Gpt4StyleScanner final : public EmittingMatcher<Gpt4StyleScanner> {
 public:
  explicit Gpt4StyleScanner(int max_digits) : single_digits_(max_digits == 1) {}

  bool covers() const override { return true; }
  MatcherKind kind() const override { return single_digits_ ? MatcherKind::kQwen : MatcherKind::kLlama3; }
  std::string describe() const override { return single_digits_ ? "scanner:qwen" : "scanner:llama3"; }

  // Calls emit(begin, end) for each piece of s in order. One loop per digit
  // limit rather than a test of the limit per piece.
  template <typename Emit>
  void run(std::string_view s, Emit&& emit) const {
    if (single_digits_) {
      pretok::Cl100kScanner<kHfUnicode, 1, pretok::Utf8Input::kValid>::run(s, emit);
    } else {
      pretok::Cl100kScanner<kHfUnicode, 3, pretok::Utf8Input::kValid>::run(s, emit);
    }
  }

 private:
  bool single_digits_;
};

// A covering matcher over one of pretok's scanners with a static `run`:
// the pieces tile the text. `kName` is what describe() returns.
template <typename Scanner, MatcherKind kKind, const char* kName>
class StaticScannerMatcher final : public EmittingMatcher<StaticScannerMatcher<Scanner, kKind, kName>> {
 public:
  bool covers() const override { return true; }
  MatcherKind kind() const override { return kKind; }
  std::string describe() const override { return kName; }

  template <typename Emit>
  static void run(std::string_view s, Emit&& emit) {
    Scanner::run(s, emit);
  }
};

inline constexpr char kGpt2ScannerName[] = "scanner:gpt2";
inline constexpr char kDeepSeekFusedScannerName[] = "scanner:deepseek-fused";

// kGpt2Pattern (ByteLevel's use_regex): the GPT-2 grammar,
// pretok::Gpt2Scanner.
using Gpt2Scanner = StaticScannerMatcher<pretok::Gpt2Scanner<kHfUnicode>, MatcherKind::kGpt2, kGpt2ScannerName>;

// DeepSeek V3's three isolating Splits in one pass, pretok::DeepSeekScanner:
// every piece is reported as a span.
using DeepSeekFusedScanner =
    StaticScannerMatcher<pretok::DeepSeekScanner<kHfUnicode>, MatcherKind::kDeepSeekFused, kDeepSeekFusedScannerName>;

}  // namespace epubtok::tokenizers::hf::detail
