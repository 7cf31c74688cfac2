#include "count/book_source.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include <xxhash.h>

#include "count/counter.h"

namespace epubtok::count {
namespace fs = std::filesystem;

namespace {

bool has_epub_extension(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".epub";
}

// Hidden files and macOS AppleDouble companions ("._book.epub") are not
// books; a folder walk skips them. A file named explicitly is always counted.
bool is_hidden(const fs::path& p) {
  std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

std::optional<uint32_t> parse_u32(std::string_view text) {
  uint32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::string without_dot_slash(std::string_view path) {
  while (path.size() > 2 && path.substr(0, 2) == "./") path.remove_prefix(2);
  return std::string(path);
}

class PathListSource : public BookSource {
 public:
  PathListSource(std::vector<std::string> paths, bool recursive) : BookSource(recursive), paths_(std::move(paths)) {}

 protected:
  std::optional<std::string> next_named() override {
    if (next_ >= paths_.size()) return std::nullopt;
    return std::move(paths_[next_++]);
  }

 private:
  std::vector<std::string> paths_;
  size_t next_ = 0;
};

class FileListSource : public BookSource {
 public:
  FileListSource(std::FILE* file, bool owned, std::string name, bool nul_separated, bool recursive)
      : BookSource(recursive),
        file_(file),
        owned_(owned),
        name_(std::move(name)),
        separator_(nul_separated ? '\0' : '\n') {}
  ~FileListSource() override {
    if (owned_) std::fclose(file_);
  }

 protected:
  std::optional<std::string> next_named() override {
    std::string entry;
    for (;;) {
      entry.clear();
      int c;
      while ((c = std::getc(file_)) != EOF && c != separator_) entry.push_back(static_cast<char>(c));
      if (c == EOF && std::ferror(file_)) {
        error_ = Status(ErrorCode::kIoError, "cannot read " + name_ + ": " + std::strerror(errno));
        return std::nullopt;
      }
      if (separator_ == '\n' && !entry.empty() && entry.back() == '\r') entry.pop_back();
      if (!entry.empty()) return entry;
      if (c == EOF) return std::nullopt;
    }
  }

 private:
  std::FILE* file_;
  bool owned_;
  std::string name_;
  int separator_;
};

}  // namespace

Result<Shard> parse_shard(std::string_view text, const std::function<const char*(const char*)>& getenv) {
  auto invalid = [](std::string message) { return Result<Shard>(ErrorCode::kInvalidArgument, std::move(message)); };
  if (text == "slurm") {
    const char* id = getenv("SLURM_ARRAY_TASK_ID");
    const char* min = getenv("SLURM_ARRAY_TASK_MIN");
    const char* count = getenv("SLURM_ARRAY_TASK_COUNT");
    const char* step = getenv("SLURM_ARRAY_TASK_STEP");
    if (!id || !min || !count) {
      return invalid(
          "--shard slurm needs SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_COUNT: run it "
          "inside a Slurm array job (sbatch --array=0-N)");
    }
    auto k = parse_u32(id), lo = parse_u32(min), n = parse_u32(count), s = parse_u32(step ? step : "1");
    if (!k || !lo || !n || !s || *n == 0 || *s == 0 || *k < *lo) {
      return invalid("--shard slurm: the SLURM_ARRAY_TASK_* variables are not valid numbers");
    }
    Shard shard{(*k - *lo) / *s, *n};
    if (shard.index >= shard.count) {
      return invalid("--shard slurm: task " + std::string(id) + " is not one of the array's " + count + " tasks");
    }
    return shard;
  }
  size_t slash = text.find('/');
  auto k = slash == std::string_view::npos ? std::nullopt : parse_u32(text.substr(0, slash));
  auto n = slash == std::string_view::npos ? std::nullopt : parse_u32(text.substr(slash + 1));
  if (!k || !n || *n == 0) {
    return invalid("--shard takes K/N (K from 0 to N-1) or 'slurm', not '" + std::string(text) + "'");
  }
  if (*k >= *n) {
    return invalid("--shard " + std::string(text) + ": K must be below N (shards are numbered 0 to " +
                   std::to_string(*n - 1) + ")");
  }
  return Shard{*k, *n};
}

uint32_t shard_of(std::string_view shard_key, uint32_t shard_count) {
  return static_cast<uint32_t>(XXH64(shard_key.data(), shard_key.size(), 0) % shard_count);
}

std::unique_ptr<BookSource> BookSource::from_paths(std::vector<std::string> paths, bool recursive) {
  return std::make_unique<PathListSource>(std::move(paths), recursive);
}

Result<std::unique_ptr<BookSource>> BookSource::from_list(const std::string& list, bool nul_separated, bool recursive) {
  if (list == "-")
    return std::unique_ptr<BookSource>(new FileListSource(stdin, false, "standard input", nul_separated, recursive));
  std::FILE* file = std::fopen(list.c_str(), "rb");
  if (!file) {
    return Result<std::unique_ptr<BookSource>>(ErrorCode::kIoError,
                                               "cannot read the list " + list + ": " + std::strerror(errno));
  }
  return std::unique_ptr<BookSource>(new FileListSource(file, true, list, nul_separated, recursive));
}

bool BookSource::seen_before(const fs::path& path) {
  std::error_code ec;
  std::string canonical = fs::weakly_canonical(path, ec).string();
  if (ec) canonical = path.string();
  return !seen_.insert(XXH64(canonical.data(), canonical.size(), 0)).second;
}

std::optional<SourceItem> BookSource::next() {
  for (;;) {
    std::optional<SourceItem> item = next_unfiltered();
    if (!item) return item;
    if (shard_.count > 1 && shard_of(item->shard_key, shard_.count) != shard_.index) continue;
    if (skip_ && skip_(*item)) continue;
    return item;
  }
}

std::optional<SourceItem> BookSource::next_unfiltered() {
  for (;;) {
    if (walk_) {
      auto& it = *walk_;
      std::error_code ec;
      while (it != fs::recursive_directory_iterator()) {
        const fs::directory_entry& entry = *it;
        fs::path path = entry.path();
        bool directory = entry.is_directory(ec);
        if (directory && (!recursive_ || is_hidden(path))) it.disable_recursion_pending();
        bool book = !directory && entry.is_regular_file(ec) && has_epub_extension(path) && !is_hidden(path);
        it.increment(ec);
        if (ec) {
          // The rest of this folder cannot be listed: report it as a row.
          std::string root = std::move(walk_root_);
          walk_.reset();
          return SourceItem{root, without_dot_slash(root),
                            failed_book(root, ErrorCode::kFileUnreadable, "cannot list this folder: " + ec.message())};
        }
        if (book && !seen_before(path)) {
          return SourceItem{path.string(), path.lexically_relative(walk_root_).generic_string(), std::nullopt};
        }
      }
      walk_.reset();
    }
    std::optional<std::string> named = next_named();
    if (!named) return std::nullopt;
    std::error_code ec;
    fs::file_status st = fs::status(*named, ec);
    if (!fs::exists(st)) {
      return SourceItem{*named, without_dot_slash(*named),
                        failed_book(*named, ErrorCode::kFileNotFound, "no such file or folder")};
    }
    if (!fs::is_directory(st)) {
      if (seen_before(*named)) continue;
      return SourceItem{*named, without_dot_slash(*named), std::nullopt};
    }
    if (::access(named->c_str(), R_OK | X_OK) != 0) {
      return SourceItem{*named, without_dot_slash(*named),
                        failed_book(*named, ErrorCode::kFileUnreadable, "cannot read this folder")};
    }
    walk_.emplace(*named, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
      walk_.reset();
      return SourceItem{*named, without_dot_slash(*named),
                        failed_book(*named, ErrorCode::kFileUnreadable, "cannot list this folder: " + ec.message())};
    }
    walk_root_ = *named;
  }
}

}  // namespace epubtok::count
