#include "server/multipart.h"

#include <cstdio>
#include <memory>

namespace epubtok::server {
namespace {

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f) std::fclose(f);
  }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// A forward-only reader over a file with a small look-ahead buffer: enough
// to find a delimiter that straddles two chunks.
class StreamScanner {
 public:
  explicit StreamScanner(std::FILE* in) : in_(in) {}

  // Appends up to one chunk to the buffer; false at end of file.
  bool fill() {
    char chunk[64 * 1024];
    size_t n = std::fread(chunk, 1, sizeof chunk, in_);
    if (n == 0) return false;
    buf_.append(chunk, n);
    return true;
  }

  // Consumes bytes up to and including `delim`, writing the bytes before it
  // to `out` (when not null). False if the input ends first.
  bool copy_until(std::string_view delim, std::FILE* out, bool* write_failed) {
    for (;;) {
      size_t pos = buf_.find(delim);
      if (pos != std::string::npos) {
        if (out && pos && std::fwrite(buf_.data(), 1, pos, out) != pos) *write_failed = true;
        buf_.erase(0, pos + delim.size());
        return true;
      }
      // Keep the last delim.size()-1 bytes: they may start the delimiter.
      size_t keep = std::min(buf_.size(), delim.size() - 1);
      size_t flush = buf_.size() - keep;
      if (out && flush && std::fwrite(buf_.data(), 1, flush, out) != flush) *write_failed = true;
      buf_.erase(0, flush);
      if (!fill()) return false;
    }
  }

  // Consumes and returns the bytes before `delim` (removing delim too), if
  // found within `max` bytes.
  std::optional<std::string> read_until(std::string_view delim, size_t max) {
    for (;;) {
      size_t pos = buf_.find(delim);
      if (pos != std::string::npos) {
        std::string out = buf_.substr(0, pos);
        buf_.erase(0, pos + delim.size());
        return out;
      }
      if (buf_.size() > max || !fill()) return std::nullopt;
    }
  }

  // The next `n` bytes, consumed; shorter at end of input.
  std::string take(size_t n) {
    while (buf_.size() < n && fill()) {
    }
    std::string out = buf_.substr(0, n);
    buf_.erase(0, out.size());
    return out;
  }

 private:
  std::FILE* in_;
  std::string buf_;
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The value of parameter `name` in a header value such as
// `form-data; name="file"; filename="a.epub"`.
std::optional<std::string> header_param(std::string_view value, std::string_view name) {
  std::string low = lower(value);
  size_t pos = 0;
  std::string key = std::string(name) + "=";
  while ((pos = low.find(key, pos)) != std::string::npos) {
    // Must start a parameter (after ';' and spaces), so "name=" does not
    // match inside "filename=".
    size_t before = pos;
    while (before > 0 && (value[before - 1] == ' ' || value[before - 1] == '\t')) --before;
    if (before == 0 || value[before - 1] == ';') {
      size_t start = pos + key.size();
      if (start < value.size() && value[start] == '"') {
        size_t end = value.find('"', start + 1);
        if (end == std::string_view::npos) return std::nullopt;
        return std::string(value.substr(start + 1, end - start - 1));
      }
      size_t end = value.find(';', start);
      std::string_view v = value.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
      return std::string(v);
    }
    pos += key.size();
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
  std::string low = lower(content_type);
  if (low.rfind("multipart/form-data", 0) != 0) return std::nullopt;
  auto b = header_param(content_type, "boundary");
  if (!b || b->empty() || b->size() > 200) return std::nullopt;
  return b;
}

Result<std::vector<MultipartFile>> extract_multipart_files(const std::filesystem::path& body_file,
                                                           const std::string& boundary,
                                                           const std::function<std::filesystem::path()>& next_path) {
  using R = Result<std::vector<MultipartFile>>;
  File in(std::fopen(body_file.c_str(), "rb"));
  if (!in) return R(ErrorCode::kIoError, "cannot read the uploaded body");
  StreamScanner scan(in.get());
  bool write_failed = false;
  const std::string first = "--" + boundary;
  const std::string delim = "\r\n--" + boundary;
  if (!scan.copy_until(first, nullptr, &write_failed)) {
    return R(ErrorCode::kInvalidArgument, "multipart body: boundary not found");
  }
  std::vector<MultipartFile> files;
  for (;;) {
    std::string after = scan.take(2);
    if (after == "--") break;
    if (after != "\r\n") return R(ErrorCode::kInvalidArgument, "multipart body: malformed boundary line");
    auto headers = scan.read_until("\r\n\r\n", size_t{16} * 1024);
    if (!headers) return R(ErrorCode::kInvalidArgument, "multipart body: part headers missing or too long");
    std::optional<std::string> filename;
    size_t line_start = 0;
    while (line_start <= headers->size()) {
      size_t end = headers->find("\r\n", line_start);
      std::string_view line = std::string_view(*headers).substr(
          line_start, end == std::string::npos ? std::string::npos : end - line_start);
      if (lower(line).rfind("content-disposition:", 0) == 0) filename = header_param(line.substr(20), "filename");
      if (end == std::string::npos) break;
      line_start = end + 2;
    }
    if (!filename) {
      if (!scan.copy_until(delim, nullptr, &write_failed)) {
        return R(ErrorCode::kInvalidArgument, "multipart body: a part is not terminated");
      }
      continue;
    }
    MultipartFile file{next_path(), *filename, 0};
    File out(std::fopen(file.path.c_str(), "wb"));
    if (!out) return R(ErrorCode::kIoError, "cannot write the upload");
    if (!scan.copy_until(delim, out.get(), &write_failed)) {
      return R(ErrorCode::kInvalidArgument, "multipart body: the file part '" + file.file_name + "' is not terminated");
    }
    if (write_failed || std::fflush(out.get()) != 0) return R(ErrorCode::kIoError, "cannot write the upload");
    long size = std::ftell(out.get());
    file.size = size > 0 ? static_cast<uint64_t>(size) : 0;
    files.push_back(std::move(file));
  }
  if (files.empty()) return R(ErrorCode::kInvalidArgument, "multipart body has no file part");
  return files;
}

}  // namespace epubtok::server
