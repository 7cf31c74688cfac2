#include "support/fake_engine.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace epubtok::testing {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

jobs::CountingEngine FakeEngine::engine() {
  jobs::CountingEngine e;
  e.scan = [](const std::vector<std::string>& paths, bool) {
    count::ScanResult scan;
    for (const auto& p : paths) {
      std::error_code ec;
      if (p.find("missing") != std::string::npos) {
        model::BookResult failed;
        failed.file_path = p;
        failed.file_name = p;
        failed.status = model::BookStatus::kError;
        failed.error = model::BookError{"FILE_NOT_FOUND", "no such file"};
        scan.failures.push_back(failed);
      } else if (fs::is_directory(p, ec)) {
        std::vector<std::string> found;
        for (const auto& entry : fs::recursive_directory_iterator(p)) {
          if (entry.path().extension() == ".epub") found.push_back(entry.path().string());
        }
        std::sort(found.begin(), found.end());
        scan.books.insert(scan.books.end(), found.begin(), found.end());
      } else {
        scan.books.push_back(p);
      }
    }
    return scan;
  };
  e.prepare = [this](const model::RunRequest&) -> Result<count::CountOptions> {
    if (fail_prepare) return Result<count::CountOptions>(ErrorCode::kVocabMissing, "no vocab here");
    return count::CountOptions{};
  };
  e.count = [this](const std::vector<std::string>& books, const count::CountOptions&, int,
                   const count::LibraryCallbacks& cb, const std::atomic<bool>* cancel) {
    {
      std::lock_guard lock(mu_);
      calls.push_back(books);
    }
    std::vector<model::BookResult> out;
    count::LibraryProgress progress;
    progress.total = books.size();
    for (const auto& path : books) {
      if (cancel && *cancel) break;
      progress.current_file = path;
      if (cb.on_start) cb.on_start(progress);
      {
        std::unique_lock lock(mu_);
        ++started_;
        changed_.notify_all();
        changed_.wait(lock, [&] { return finished_ < allowed_; });
      }
      model::BookResult result = book(path);
      ++progress.done;
      progress.bytes_done += result.file_size;
      if (cb.on_book) cb.on_book(result, progress);
      out.push_back(result);
      std::lock_guard lock(mu_);
      ++finished_;
      changed_.notify_all();
    }
    return out;
  };
  return e;
}

model::BookResult FakeEngine::book_for(const std::string& path) {
  model::BookResult book;
  book.file_path = path;
  book.file_name = path.substr(path.rfind('/') + 1);
  book.file_size = 100 + path.size();
  book.word_count = path.size();
  book.char_count = path.size() * 5;
  book.token_counts = {{"fake", path.size() * 2}};
  return book;
}

void FakeEngine::allow(int n) {
  std::lock_guard lock(mu_);
  allowed_ = n;
  changed_.notify_all();
}

bool FakeEngine::wait_started(int n) {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, 5s, [&] { return started_ >= n; });
}

bool FakeEngine::wait_finished(int n) {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, 5s, [&] { return finished_ >= n; });
}

}  // namespace epubtok::testing
