#include "server/upload_area.h"

#include <cstdio>
#include <random>
#include <system_error>

#include "server/multipart.h"

namespace epubtok::server {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kPrefix = "up_";
constexpr uint64_t kMultipartOverhead = uint64_t{64} * 1024;

bool is_upload_id(std::string_view s) {
  if (s.size() != kPrefix.size() + 16 || s.substr(0, kPrefix.size()) != kPrefix) return false;
  for (char c : s.substr(kPrefix.size())) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string random_hex16() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t v = rng();
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<size_t>(i)] = kHex[v & 15];
  return out;
}

}  // namespace

std::optional<std::string_view> parse_upload_id(std::string_view text) {
  if (text.rfind("upload:", 0) == 0) text.remove_prefix(7);
  if (is_upload_id(text)) return text;
  return std::nullopt;
}

std::optional<fs::path> find_upload(const fs::path& dir, std::string_view id) {
  if (!is_upload_id(id)) return std::nullopt;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir / std::string(id), ec)) {
    if (entry.is_regular_file(ec) && entry.path().extension() == ".epub") return entry.path();
  }
  return std::nullopt;
}

std::string sanitize_upload_name(std::string_view name) {
  size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  std::string out;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
              c == '_' || c == ' ' || c == '(' || c == ')' || static_cast<unsigned char>(c) >= 0x80;
    out += ok ? c : '_';
  }
  while (!out.empty() && (out.front() == '.' || out.front() == ' ')) out.erase(0, 1);
  if (out.size() > 120) out.resize(120);
  if (out.empty() || out == "epub") out = "upload";
  if (out.size() < 5 || out.compare(out.size() - 5, 5, ".epub") != 0) out += ".epub";
  return out;
}

UploadArea::UploadArea(fs::path dir, UploadLimits limits) : dir_(std::move(dir)), limits_(limits) {}

Status UploadArea::init() {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Status(ErrorCode::kIoError, "cannot create the upload folder " + dir_.string() + ": " + ec.message());
  uint64_t used = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir_, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    if (entry.path().extension() == ".part") {
      fs::remove(entry.path(), ec);  // an upload cut off by a restart
      continue;
    }
    used += entry.file_size(ec);
  }
  std::lock_guard lock(mutex_);
  used_ = used;
  return Status();
}

std::optional<UploadArea::Pending> UploadArea::begin(std::optional<uint64_t> content_length, bool multipart) {
  std::lock_guard lock(mutex_);
  uint64_t room = limits_.max_total_bytes > used_ ? limits_.max_total_bytes - used_ : 0;
  // A raw body is one file; a form may carry several, each checked against
  // the per-file limit once received, all of them within the room left.
  uint64_t limit = multipart ? room + kMultipartOverhead : std::min(limits_.max_file_bytes, room);
  if (content_length && *content_length > limit) return std::nullopt;
  if (limit == 0 || room == 0) return std::nullopt;
  Pending p;
  p.body_limit = content_length ? *content_length : limit;
  p.reserved = std::min(p.body_limit, room);
  used_ += p.reserved;
  p.temp = dir_ / ("body-" + random_hex16() + ".part");
  return p;
}

void UploadArea::abandon(Pending& p) {
  std::error_code ec;
  fs::remove(p.temp, ec);
  std::lock_guard lock(mutex_);
  used_ -= std::min(used_, p.reserved);
  p.reserved = 0;
}

Result<std::vector<UploadInfo>> UploadArea::finish(Pending& p, std::string_view content_type,
                                                   std::string_view name_hint) {
  using R = Result<std::vector<UploadInfo>>;
  std::error_code ec;
  // The received files, staged beside the area until all of them pass the
  // checks: a request stores all its files or none.
  std::vector<MultipartFile> staged;
  std::vector<fs::path> handed_out;
  auto fail = [&](Status s) {
    for (const auto& path : handed_out) fs::remove(path, ec);
    abandon(p);
    return R(std::move(s));
  };
  auto next_path = [&] {
    handed_out.push_back(dir_ / ("file-" + random_hex16() + ".part"));
    return handed_out.back();
  };
  if (auto boundary = multipart_boundary(content_type)) {
    auto files = extract_multipart_files(p.temp, *boundary, next_path);
    fs::remove(p.temp, ec);
    if (!files) return fail(files.status());
    staged = std::move(*files);
  } else {
    MultipartFile file{next_path(), std::string(name_hint), 0};
    fs::rename(p.temp, file.path, ec);
    if (ec) return fail(Status(ErrorCode::kIoError, "cannot store the upload: " + ec.message()));
    file.size = fs::file_size(file.path, ec);
    if (ec) return fail(Status(ErrorCode::kIoError, "cannot store the upload: " + ec.message()));
    staged.push_back(std::move(file));
  }
  uint64_t total = 0;
  for (const auto& file : staged) {
    std::string label = file.file_name.empty() ? "the upload" : "'" + file.file_name + "'";
    if (file.size > limits_.max_file_bytes) {
      return fail(Status(ErrorCode::kPayloadTooLarge, label + " exceeds the upload limit of " +
                                                          std::to_string(limits_.max_file_bytes >> 20) + " MB"));
    }
    // An EPUB is a ZIP: "PK\3\4". Refusing anything else early keeps junk
    // out of the upload area.
    char magic[4] = {};
    std::FILE* f = std::fopen(file.path.c_str(), "rb");
    size_t n = f ? std::fread(magic, 1, 4, f) : 0;
    if (f) std::fclose(f);
    if (n != 4 || magic[0] != 'P' || magic[1] != 'K' || magic[2] != 3 || magic[3] != 4) {
      return fail(Status(ErrorCode::kNotZip, label + " is not an EPUB (ZIP) file"));
    }
    total += file.size;
  }
  std::vector<UploadInfo> stored;
  for (const auto& file : staged) {
    UploadInfo info;
    info.upload_id = std::string(kPrefix) + random_hex16();
    info.file_name = sanitize_upload_name(file.file_name.empty() ? "upload.epub" : file.file_name);
    info.size = file.size;
    fs::path folder = dir_ / info.upload_id;
    fs::create_directories(folder, ec);
    if (!ec) fs::rename(file.path, folder / info.file_name, ec);
    if (ec) {
      for (const auto& done : stored) fs::remove_all(dir_ / done.upload_id, ec);
      return fail(Status(ErrorCode::kIoError, "cannot store the upload: " + ec.message()));
    }
    stored.push_back(std::move(info));
  }
  std::lock_guard lock(mutex_);
  used_ = used_ - std::min(used_, p.reserved) + total;
  p.reserved = 0;
  return stored;
}

uint64_t UploadArea::used_bytes() const {
  std::lock_guard lock(mutex_);
  return used_;
}

}  // namespace epubtok::server
