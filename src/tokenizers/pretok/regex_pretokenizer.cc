#include "tokenizers/pretok/regex_pretokenizer.h"

namespace epubtok::tokenizers::pretok {
namespace {

// The White_Space property (unchanged since Unicode 6.3), as PCRE2 class
// items without brackets.
constexpr std::string_view kWhiteSpaceItems =
    R"(\x{9}-\x{D}\x{20}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000})";

}  // namespace

std::string translate_tiktoken_pattern(std::string_view pat) {
  std::string out;
  bool in_class = false;
  for (size_t i = 0; i < pat.size(); ++i) {
    const char c = pat[i];
    if (c == '\\' && i + 1 < pat.size()) {
      const char e = pat[i + 1];
      if (e == 's') {
        if (in_class) {
          out += kWhiteSpaceItems;
        } else {
          out += '[';
          out += kWhiteSpaceItems;
          out += ']';
        }
      } else if (e == 'S') {
        // Only used outside classes in the tiktoken patterns.
        out += "[^";
        out += kWhiteSpaceItems;
        out += ']';
      } else {
        out += c;
        out += e;
      }
      ++i;
      continue;
    }
    if (c == '[' && !in_class)
      in_class = true;
    else if (c == ']' && in_class)
      in_class = false;
    out += c;
  }
  return out;
}

RegexPretokenizer::~RegexPretokenizer() = default;

Result<std::shared_ptr<const RegexPretokenizer>> RegexPretokenizer::compile(std::string_view pat_str) {
  std::shared_ptr<RegexPretokenizer> re(new RegexPretokenizer());
  re->translated_ = translate_tiktoken_pattern(pat_str);
  Result<std::unique_ptr<const Pcre2Pattern>> pattern = Pcre2Pattern::compile(re->translated_);
  if (!pattern) {
    return Status(ErrorCode::kInvalidArgument, "pre-tokenizer pattern rejected: " + pattern.status().message());
  }
  re->pattern_ = std::move(*pattern);
  return std::shared_ptr<const RegexPretokenizer>(std::move(re));
}

std::vector<std::pair<size_t, size_t>> RegexPretokenizer::split(std::string_view text) const {
  std::vector<std::pair<size_t, size_t>> pieces;
  pattern_->find_all(text, pieces);
  return pieces;
}

}  // namespace epubtok::tokenizers::pretok
