#include "jobs/counting_engine.h"

#include "epub/book.h"
#include "tokenizers/registry.h"

namespace epubtok::jobs {

CountingEngine default_counting_engine() {
  CountingEngine engine;
  engine.scan = [](const std::vector<std::string>& paths, bool recursive) {
    return count::find_epubs(paths, recursive);
  };
  engine.prepare = [](const JobRequest& request) -> Result<count::CountOptions> {
    count::CountOptions options;
    auto& registry = tokenizers::Registry::global();
    for (const auto& name : request.tokenizers) {
      auto tokenizer = registry.get(name);
      if (!tokenizer) return tokenizer.status();
      options.tokenizers.push_back(std::move(*tokenizer));
    }
    for (const auto& kind : request.exclude) {
      if (kind == "front") options.exclude.insert(epub::ChapterKind::kFront);
      if (kind == "body") options.exclude.insert(epub::ChapterKind::kBody);
      if (kind == "back") options.exclude.insert(epub::ChapterKind::kBack);
    }
    options.max_bytes = request.max_mb << 20;
    options.with_special = request.with_special;
    return options;
  };
  engine.count = [](const std::vector<std::string>& books, const count::CountOptions& options, int workers,
                    const count::LibraryCallbacks& callbacks, const std::atomic<bool>* cancel) {
    return count::count_library(books, options, workers, callbacks, cancel);
  };
  return engine;
}

}  // namespace epubtok::jobs
