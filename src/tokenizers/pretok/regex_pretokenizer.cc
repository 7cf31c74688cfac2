#include "tokenizers/pretok/regex_pretokenizer.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

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

struct RegexPretokenizer::Impl {
  pcre2_code* code = nullptr;
  ~Impl() {
    if (code) pcre2_code_free(code);
  }
};

RegexPretokenizer::~RegexPretokenizer() = default;

Result<std::shared_ptr<const RegexPretokenizer>> RegexPretokenizer::compile(std::string_view pat_str) {
  std::shared_ptr<RegexPretokenizer> re(new RegexPretokenizer());
  re->translated_ = translate_tiktoken_pattern(pat_str);
  re->impl_ = std::make_unique<Impl>();
  int error = 0;
  PCRE2_SIZE offset = 0;
  re->impl_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(re->translated_.data()), re->translated_.size(),
                                  PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK, &error, &offset, nullptr);
  if (!re->impl_->code) {
    PCRE2_UCHAR buffer[256];
    pcre2_get_error_message(error, buffer, sizeof buffer);
    return Status(ErrorCode::kInvalidArgument, "pre-tokenizer pattern rejected at offset " + std::to_string(offset) +
                                                   ": " + reinterpret_cast<const char*>(buffer));
  }
  pcre2_jit_compile(re->impl_->code, PCRE2_JIT_COMPLETE);  // falls back to the interpreter if JIT is unavailable
  return std::shared_ptr<const RegexPretokenizer>(std::move(re));
}

std::vector<std::pair<size_t, size_t>> RegexPretokenizer::split(std::string_view text) const {
  std::vector<std::pair<size_t, size_t>> pieces;
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(impl_->code, nullptr);
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  size_t pos = 0;
  while (pos < text.size()) {
    int rc = pcre2_match(impl_->code, subject, text.size(), pos, PCRE2_NO_UTF_CHECK, md, nullptr);
    if (rc < 0) break;
    PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    if (ov[1] == ov[0]) {  // empty match: step one code point, as find_iter does
      pos = ov[0] + 1;
      while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) ++pos;
      continue;
    }
    pieces.emplace_back(ov[0], ov[1]);
    pos = ov[1];
  }
  pcre2_match_data_free(md);
  return pieces;
}

}  // namespace epubtok::tokenizers::pretok
