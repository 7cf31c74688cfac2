#include "model/run_request.h"

namespace epubtok::model {

bool same_counting_options(const RunRequest& a, const RunRequest& b) {
  return a.tokenizers == b.tokenizers && a.exclude == b.exclude && a.with_special == b.with_special &&
         a.max_mb == b.max_mb;
}

}  // namespace epubtok::model
