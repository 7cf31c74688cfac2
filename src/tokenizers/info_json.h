// TokenizerInfo as JSON, the one shape `epubtok models --json` and
// GET /api/models both print (docs/openapi.yaml, schema TokenizerInfo).
#pragma once

#include <boost/json.hpp>

#include "tokenizers/tokenizer.h"

namespace epubtok::tokenizers {

// {"id","name","family","aliases":[…],"type","vocab_size","approximate",
//  "exactness","exactness_reason","remote","source","note"}; "approximate" is
// exactness == "approximate", kept for older clients.
boost::json::object info_to_json(const TokenizerInfo& info);

}  // namespace epubtok::tokenizers
