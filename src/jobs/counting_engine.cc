#include "jobs/counting_engine.h"

namespace epubtok::jobs {

CountingEngine default_counting_engine() {
  CountingEngine engine;
  engine.scan = [](const std::vector<std::string>& paths, bool recursive) {
    return count::find_epubs(paths, recursive);
  };
  engine.prepare = [](const model::RunRequest& request) { return count::make_count_options(request); };
  engine.count = [](const std::vector<std::string>& books, const count::CountOptions& options, int workers,
                    const count::LibraryCallbacks& callbacks, const std::atomic<bool>* cancel) {
    return count::count_library(books, options, workers, callbacks, cancel);
  };
  return engine;
}

}  // namespace epubtok::jobs
