#include "tokenizers/hf/hf_cache.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <system_error>

namespace epubtok::tokenizers::hf {
namespace fs = std::filesystem;
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

std::string repo_folder(std::string_view repo) {
  std::string out = "models--";
  for (char c : repo) {
    if (c == '/') {
      out += "--";
    } else {
      out += c;
    }
  }
  return out;
}

std::string read_first_line(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
  return line;
}

bool is_commit_hash(std::string_view s) {
  return s.size() == 40 &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

}  // namespace

fs::path hub_cache_dir() {
  if (std::string v = env("HF_HUB_CACHE"); !v.empty()) return v;
  if (std::string v = env("HUGGINGFACE_HUB_CACHE"); !v.empty()) return v;
  if (std::string v = env("HF_HOME"); !v.empty()) return fs::path(v) / "hub";
  if (std::string v = env("XDG_CACHE_HOME"); !v.empty()) return fs::path(v) / "huggingface" / "hub";
  std::string home = env("HOME");
  return fs::path(home.empty() ? "/" : home) / ".cache" / "huggingface" / "hub";
}

bool hub_offline() {
  std::string v = env("HF_HUB_OFFLINE");
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return v == "1" || v == "true" || v == "yes" || v == "on";
}

bool is_repo_id(std::string_view s) {
  size_t slash = s.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == s.size()) return false;
  if (s.find('/', slash + 1) != std::string_view::npos) return false;
  for (char c : s) {
    if (c == '/') continue;
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  }
  return s.substr(0, slash) != "." && s.substr(0, slash) != "..";
}

std::optional<fs::path> find_cached_tokenizer(const fs::path& cache, std::string_view repo, std::string_view revision) {
  std::error_code ec;
  fs::path dir = cache / repo_folder(repo);
  if (!fs::is_directory(dir, ec)) return std::nullopt;
  std::string commit;
  if (fs::path ref = dir / "refs" / std::string(revision); fs::is_regular_file(ref, ec)) {
    commit = read_first_line(ref);
  } else if (is_commit_hash(revision)) {
    commit = std::string(revision);
  } else if (revision == "main") {
    // No refs/main (a cache filled by hand): accept a lone snapshot.
    std::vector<fs::path> snaps;
    for (const auto& e : fs::directory_iterator(dir / "snapshots", ec)) snaps.push_back(e.path());
    if (snaps.size() == 1) commit = snaps[0].filename().string();
  }
  if (commit.empty()) return std::nullopt;
  fs::path file = dir / "snapshots" / commit / "tokenizer.json";
  if (!fs::exists(file, ec)) return std::nullopt;  // follows the blob link
  return file;
}

std::vector<std::pair<std::string, fs::path>> list_cached_tokenizers(const fs::path& cache) {
  std::vector<std::pair<std::string, fs::path>> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(cache, ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind("models--", 0) != 0) continue;
    std::string rest = name.substr(8);
    size_t sep = rest.find("--");
    if (sep == std::string::npos) continue;
    std::string repo = rest.substr(0, sep) + "/" + rest.substr(sep + 2);
    if (auto file = find_cached_tokenizer(cache, repo, "main")) out.emplace_back(repo, *file);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<fs::path> store_in_cache(const fs::path& cache, std::string_view repo, std::string_view revision,
                                std::string_view commit, std::string_view etag, std::string_view content) {
  std::error_code ec;
  fs::path dir = cache / repo_folder(repo);
  std::string blob_name(etag.empty() ? commit : etag);
  fs::path blob = dir / "blobs" / blob_name;
  fs::path snap = dir / "snapshots" / std::string(commit);
  fs::create_directories(dir / "blobs", ec);
  fs::create_directories(snap, ec);
  fs::create_directories(dir / "refs", ec);
  if (ec) return Status(ErrorCode::kIoError, "cannot create " + dir.string() + ": " + ec.message());
  {
    fs::path tmp = blob;
    tmp += ".incomplete";
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(content.data(), std::streamsize(content.size()));
    out.close();
    if (!out) return Status(ErrorCode::kIoError, "cannot write " + tmp.string());
    fs::rename(tmp, blob, ec);
    if (ec) return Status(ErrorCode::kIoError, "cannot rename to " + blob.string() + ": " + ec.message());
  }
  fs::path link = snap / "tokenizer.json";
  fs::remove(link, ec);
  // Relative link as huggingface_hub makes it; a copy where links fail.
  fs::create_symlink(fs::path("..") / ".." / "blobs" / blob_name, link, ec);
  if (ec) {
    fs::copy_file(blob, link, fs::copy_options::overwrite_existing, ec);
    if (ec) return Status(ErrorCode::kIoError, "cannot create " + link.string() + ": " + ec.message());
  }
  if (!is_commit_hash(revision) || revision != commit) {
    std::ofstream ref(dir / "refs" / std::string(revision), std::ios::trunc);
    ref << commit;
    if (!ref) return Status(ErrorCode::kIoError, "cannot write refs/" + std::string(revision));
  }
  return link;
}

}  // namespace epubtok::tokenizers::hf
