#include "tokenizers/info_json.h"

namespace epubtok::tokenizers {

std::string_view to_string(Exactness exactness) {
  switch (exactness) {
    case Exactness::kExact: return "exact";
    case Exactness::kExactLocalTokenizer: return "exact-local-tokenizer";
    case Exactness::kApi: return "api";
    case Exactness::kApproximate: return "approximate";
  }
  return "approximate";
}

std::optional<Exactness> parse_exactness(std::string_view name) {
  for (Exactness e : {Exactness::kExact, Exactness::kExactLocalTokenizer, Exactness::kApi, Exactness::kApproximate}) {
    if (to_string(e) == name) return e;
  }
  return std::nullopt;
}

boost::json::object info_to_json(const TokenizerInfo& info) {
  boost::json::array aliases;
  for (const auto& alias : info.aliases) aliases.emplace_back(alias);
  return boost::json::object{{"id", info.id},
                             {"name", info.name},
                             {"family", info.family},
                             {"aliases", std::move(aliases)},
                             {"type", info.type},
                             {"vocab_size", info.vocab_size},
                             {"approximate", info.approximate()},
                             {"exactness", to_string(info.exactness)},
                             {"exactness_reason", info.exactness_reason},
                             {"remote", info.remote},
                             {"source", info.source},
                             {"note", info.note}};
}

}  // namespace epubtok::tokenizers
