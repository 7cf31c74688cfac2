// Registry::global(): the process-wide registry with every built-in engine.
// Kept tiny on purpose: each engine owner adds exactly one line below.
#include "tokenizers/anthropic/api_tokenizer.h"
#include "tokenizers/hf/hf_provider.h"
#include "tokenizers/registry.h"
#include "tokenizers/tiktoken/tiktoken_provider.h"

namespace epubtok::tokenizers {

Registry& Registry::global() {
  // Leaked on purpose: tokenizers may be used from threads still running at
  // exit, so the registry must outlive static destruction.
  static Registry* registry = [] {
    auto* r = new Registry();
    r->add_provider(tiktoken::make_tiktoken_provider());
    // ---- Hugging Face engine (issue 3) adds its provider here: ----
    r->add_provider(hf::make_hf_provider());
    // Claude through Anthropic's token-counting API (issue 15):
    r->add_provider(anthropic::make_api_provider());
    return r;
  }();
  return *registry;
}

}  // namespace epubtok::tokenizers
