// The regex families the hand-written scanners reproduce (scanner.h).
#pragma once

namespace epubtok::tokenizers::pretok {

// kCl100k: cl100k_base's pattern, also Llama 3's (and, with one digit per
//          number, Qwen 2/3's): cl100k_scanner.h
// kO200k:  o200k_base's cased-letter pattern: o200k_scanner.h
// kGpt2:   GPT-2's (r50k_base, p50k_base, the legacy Claude tokenizer):
//          gpt2_scanner.h
enum class PatternFamily { kCl100k, kO200k, kGpt2 };

}  // namespace epubtok::tokenizers::pretok
