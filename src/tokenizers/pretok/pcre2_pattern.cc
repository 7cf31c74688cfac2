#include "tokenizers/pretok/pcre2_pattern.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <string>

#include "core/utf8.h"

namespace epubtok::tokenizers::pretok {

struct Pcre2Pattern::Code {
  pcre2_code* code = nullptr;
  bool jit = false;  // pcre2_jit_match() skips the interpreter's checks
  ~Code() { pcre2_code_free(code); }
};

Pcre2Pattern::Pcre2Pattern(std::unique_ptr<Code> code) : code_(std::move(code)) {}
Pcre2Pattern::~Pcre2Pattern() = default;

Result<std::unique_ptr<const Pcre2Pattern>> Pcre2Pattern::compile(std::string_view pattern) {
  auto code = std::make_unique<Code>();
  int error = 0;
  PCRE2_SIZE offset = 0;
  code->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                             PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK, &error, &offset, nullptr);
  if (code->code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof message);
    return Status(ErrorCode::kInvalidArgument, "regex does not compile at offset " + std::to_string(offset) + ": " +
                                                   reinterpret_cast<const char*>(message));
  }
  // Without JIT (an unsupported platform) pcre2_match() interprets.
  code->jit = pcre2_jit_compile(code->code, PCRE2_JIT_COMPLETE) == 0;
  return std::unique_ptr<const Pcre2Pattern>(new Pcre2Pattern(std::move(code)));
}

void Pcre2Pattern::find_all(std::string_view text, std::vector<std::pair<size_t, size_t>>& out) const {
  pcre2_code* code = code_->code;
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(code, nullptr);
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  size_t pos = 0;
  while (pos < text.size()) {
    const int rc = code_->jit ? pcre2_jit_match(code, subject, text.size(), pos, 0, md, nullptr)
                              : pcre2_match(code, subject, text.size(), pos, PCRE2_NO_UTF_CHECK, md, nullptr);
    if (rc < 0) break;
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    if (ov[1] > ov[0]) {
      out.emplace_back(ov[0], ov[1]);
      pos = ov[1];
    } else {
      if (ov[0] >= text.size()) break;
      pos = ov[0] + utf8_len(static_cast<unsigned char>(text[ov[0]]));
    }
  }
  pcre2_match_data_free(md);
}

}  // namespace epubtok::tokenizers::pretok
