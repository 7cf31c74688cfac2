// libFuzzer target for the hand-written pre-tokenizer scanners and their
// ASCII fast paths: on any text (the input, made valid UTF-8 as the
// tokenizer does before pre-tokenizing), the Llama 3 and Qwen scanners
// must find the same matches as PCRE2 on the same pattern, and the fused
// DeepSeek V3 scanner the same pieces as its three PCRE2 Splits chained.
// A difference aborts.
//
// Build and run (clang, see CMakePresets.json "fuzz"):
//   cmake --preset fuzz && cmake --build build-fuzz --target hf_scanner_fuzz
//   build-fuzz/tests/fuzz/hf_scanner_fuzz -max_total_time=600 -max_len=256
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/utf8.h"
#include "tokenizers/hf/regex.h"

namespace {

using epubtok::tokenizers::hf::isolated_chain_pieces;
using epubtok::tokenizers::hf::Matcher;
using epubtok::tokenizers::hf::Span;

struct Matchers {
  std::vector<std::pair<std::unique_ptr<Matcher>, std::unique_ptr<Matcher>>> pairs;  // scanner, PCRE2
  std::unique_ptr<Matcher> digits, cjk, main, fused;
  Matchers() {
    namespace hf = epubtok::tokenizers::hf;
    for (const char* p : {hf::kLlama3Pattern, hf::kQwenPattern}) {
      pairs.emplace_back(hf::make_regex_matcher(p, "fuzz", true), hf::make_regex_matcher(p, "fuzz", false));
    }
    digits = hf::make_regex_matcher(hf::kDeepSeekDigitsPattern, "fuzz", false);
    cjk = hf::make_regex_matcher(hf::kDeepSeekCjkPattern, "fuzz", false);
    main = hf::make_regex_matcher(hf::kDeepSeekMainPattern, "fuzz", false);
    auto d = hf::make_regex_matcher(hf::kDeepSeekDigitsPattern, "fuzz", true);
    auto c = hf::make_regex_matcher(hf::kDeepSeekCjkPattern, "fuzz", true);
    auto m = hf::make_regex_matcher(hf::kDeepSeekMainPattern, "fuzz", true);
    fused = hf::make_fused_chain({d.get(), c.get(), m.get()});
    if (!fused) std::abort();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Matchers matchers;
  const std::string text = epubtok::sanitize_utf8(std::string_view(reinterpret_cast<const char*>(data), size));
  for (const auto& [scanner, oracle] : matchers.pairs) {
    std::vector<Span> a, b;
    scanner->find_all(text, a);
    oracle->find_all(text, b);
    if (a != b) std::abort();
  }
  std::vector<Span> got;
  matchers.fused->find_all(text, got);
  if (got != isolated_chain_pieces(text, {matchers.digits.get(), matchers.cjk.get(), matchers.main.get()}))
    std::abort();
  return 0;
}
