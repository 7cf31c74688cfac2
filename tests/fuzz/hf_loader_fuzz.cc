// libFuzzer target for the tokenizer.json loader: any bytes must give a
// tokenizer or a Status, never a crash, a hang or a sanitizer report; a
// tokenizer that loads must then count text (part of the input itself)
// without crashing, with count() == encode().size() and the count split at
// every clean split.
//
// Build and run (clang, see CMakePresets.json "fuzz"):
//   cmake --preset fuzz && cmake --build build-fuzz --target hf_loader_fuzz
//   build-fuzz/tests/fuzz/hf_loader_fuzz -max_total_time=600 tests/parity/hf_fixtures
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tokenizers/hf/hf_tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto tok = epubtok::tokenizers::hf::HfTokenizer::from_json(input, epubtok::tokenizers::TokenizerInfo{});
  if (!tok) return 0;
  for (std::string_view text :
       {std::string_view("Hello, world! <s> [CLS] 1234 ééé \xE2\x96\x81x\n\n"), input.substr(0, 256)}) {
    uint64_t n = (*tok)->count(text);
    if (n != (*tok)->encode(text).size()) std::abort();
    // A clean split must split the count.
    for (size_t pos = 0; pos < text.size(); ++pos) {
      if ((*tok)->is_clean_split(text, pos) &&
          (*tok)->count(text.substr(0, pos)) + (*tok)->count(text.substr(pos)) != n) {
        std::abort();
      }
    }
  }
  return 0;
}
