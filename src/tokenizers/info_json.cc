#include "tokenizers/info_json.h"

namespace epubtok::tokenizers {

boost::json::object info_to_json(const TokenizerInfo& info) {
  boost::json::array aliases;
  for (const auto& alias : info.aliases) aliases.emplace_back(alias);
  return boost::json::object{{"id", info.id},
                             {"name", info.name},
                             {"family", info.family},
                             {"aliases", std::move(aliases)},
                             {"type", info.type},
                             {"vocab_size", info.vocab_size},
                             {"approximate", info.approximate},
                             {"source", info.source},
                             {"note", info.note}};
}

}  // namespace epubtok::tokenizers
