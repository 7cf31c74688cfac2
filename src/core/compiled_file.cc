#include "core/compiled_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <set>
#include <type_traits>

namespace epubtok::compiled {
namespace {

static_assert(std::is_trivially_copyable_v<FileHeader> && std::is_trivially_copyable_v<SectionEntry>);
constexpr size_t kHashFieldOffset = offsetof(FileHeader, file_hash);
constexpr uint64_t kRacyNs = 2'000'000'000;

// XXH3-64 of `file` with the 8 bytes of its file_hash field read as zero.
uint64_t file_hash_of(std::string_view file) {
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  XXH3_64bits_update(state, file.data(), kHashFieldOffset);
  const uint64_t zero = 0;
  XXH3_64bits_update(state, &zero, sizeof zero);
  XXH3_64bits_update(state, file.data() + kHashFieldOffset + 8, file.size() - kHashFieldOffset - 8);
  const uint64_t h = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return h;
}

size_t align_up(size_t n) { return (n + kSectionAlign - 1) / kSectionAlign * kSectionAlign; }

}  // namespace

bool enabled() {
  static const bool on = [] {
    const char* v = std::getenv("EPUBTOK_COMPILED_VOCAB");
    return v == nullptr || (std::strcmp(v, "0") != 0 && std::strcmp(v, "off") != 0);
  }();
  return on;
}

void report_fallback(const std::filesystem::path& path, const std::string& why) {
  if (why == "missing") return;
  static std::mutex mu;
  static std::set<std::string> reported;
  std::lock_guard lock(mu);
  if (!reported.insert(path.string()).second) return;
  std::fprintf(stderr,
               "epubtok: not using %s (%s); loading its source instead, which is slower (`make vocab` rebuilds it)\n",
               path.c_str(), why.c_str());
}

uint64_t hash_bytes(std::string_view bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

SourceStamp stamp_of(std::string_view source_bytes) { return {source_bytes.size(), hash_bytes(source_bytes)}; }

std::shared_ptr<const MappedFile> MappedFile::open(const std::filesystem::path& path, std::string& error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = errno == ENOENT ? "missing" : std::string("cannot be opened: ") + std::strerror(errno);
    return nullptr;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    error = "not a regular file";
    return nullptr;
  }
  const auto size = static_cast<size_t>(st.st_size);
  void* data = nullptr;
  if (size > 0) {
    // Populated: every caller reads all of it (the hash) right away.
    data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (data == MAP_FAILED) {
      ::close(fd);
      error = std::string("cannot be mapped: ") + std::strerror(errno);
      return nullptr;
    }
  }
  ::close(fd);
  return std::shared_ptr<const MappedFile>(new MappedFile(data, size));
}

MappedFile::~MappedFile() {
  if (size_ > 0) ::munmap(data_, size_);
}

std::optional<FileIdentity> identity_of(const std::filesystem::path& path, std::string& error) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    error = errno == ENOENT ? "missing" : std::string("cannot be read: ") + std::strerror(errno);
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode)) {
    error = "not a regular file";
    return std::nullopt;
  }
  auto ns = [](const timespec& t) {
    return static_cast<uint64_t>(t.tv_sec) * 1000000000u + static_cast<uint64_t>(t.tv_nsec);
  };
  return FileIdentity{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                      static_cast<uint64_t>(st.st_size), ns(st.st_mtim), ns(st.st_ctim)};
}

std::shared_ptr<const Reader> Reader::open(const std::filesystem::path& path, Kind kind, const FileIdentity& source,
                                           const std::function<SourceStamp()>& stamp, std::string& why) {
  auto file = MappedFile::open(path, why);
  if (!file) return nullptr;
  const std::string_view bytes = file->bytes();
  FileHeader h{};
  if (bytes.size() < sizeof h) {
    why = "truncated";
    return nullptr;
  }
  std::memcpy(&h, bytes.data(), sizeof h);
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) {
    why = "not a compiled vocabulary";
    return nullptr;
  }
  if (h.endian != kEndianTag) {
    why = "written on a host of the other byte order";
    return nullptr;
  }
  if (h.format_version != kFormatVersion) {
    why =
        "format version " + std::to_string(h.format_version) + ", this epubtok reads " + std::to_string(kFormatVersion);
    return nullptr;
  }
  if (h.kind != static_cast<uint32_t>(kind)) {
    why = "compiled for another kind of tokenizer";
    return nullptr;
  }
  if (h.file_size != bytes.size()) {
    why = "truncated or extended (" + std::to_string(bytes.size()) + " bytes, header says " +
          std::to_string(h.file_size) + ")";
    return nullptr;
  }
  if (h.source_size != source.size) {
    why = "built from another version of the source file";
    return nullptr;
  }
  if (file_hash_of(bytes) != h.file_hash) {
    why = "damaged (checksum mismatch)";
    return nullptr;
  }
  const FileIdentity recorded{h.source_dev, h.source_ino, h.source_size, h.source_mtime_ns, h.source_ctime_ns};
  if (recorded != source && stamp() != SourceStamp{h.source_size, h.source_hash}) {
    why = "built from another version of the source file";
    return nullptr;
  }
  // The hash matched, so the table is as written; still refuse a table
  // that does not fit (a writer bug must not read outside the mapping).
  const size_t table_end = sizeof h + size_t{h.section_count} * sizeof(SectionEntry);
  if (h.section_count > 4096 || table_end > bytes.size()) {
    why = "section table out of range";
    return nullptr;
  }
  std::shared_ptr<Reader> r(new Reader());
  r->sections_ =
      std::span<const SectionEntry>(reinterpret_cast<const SectionEntry*>(bytes.data() + sizeof h), h.section_count);
  for (const SectionEntry& e : r->sections_) {
    if (e.offset % kSectionAlign != 0 || e.offset < table_end || e.offset > bytes.size() ||
        e.size > bytes.size() - e.offset) {
      why = "section out of range";
      return nullptr;
    }
  }
  r->file_ = std::move(file);
  return r;
}

std::optional<std::string_view> Reader::section(uint32_t id) const {
  for (const SectionEntry& e : sections_) {
    if (e.id == id) return file_->bytes().substr(e.offset, e.size);
  }
  return std::nullopt;
}

void Writer::add(uint32_t id, std::string_view bytes) { sections_.emplace_back(id, std::string(bytes)); }

std::string Writer::write(const std::filesystem::path& path, Kind kind, const SourceStamp& source,
                          const FileIdentity& identity) const {
  FileHeader h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.endian = kEndianTag;
  h.format_version = kFormatVersion;
  h.kind = static_cast<uint32_t>(kind);
  h.section_count = static_cast<uint32_t>(sections_.size());
  h.source_size = source.size;
  h.source_hash = source.hash;
  // A source changed within the file system's timestamp granularity of
  // its last change could change again with the same times (git's "racy"
  // entries): its identity is not recorded, so loads hash it.
  const auto now_ns = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  if (identity.ctime_ns + kRacyNs < now_ns && identity.mtime_ns + kRacyNs < now_ns) {
    h.source_dev = identity.dev;
    h.source_ino = identity.ino;
    h.source_mtime_ns = identity.mtime_ns;
    h.source_ctime_ns = identity.ctime_ns;
  }
  std::vector<SectionEntry> table;
  size_t at = align_up(sizeof h + sections_.size() * sizeof(SectionEntry));
  for (const auto& [id, bytes] : sections_) {
    table.push_back(SectionEntry{id, 0, at, bytes.size()});
    at = align_up(at + bytes.size());
  }
  std::string file(at, '\0');
  for (size_t i = 0; i < sections_.size(); ++i) {
    std::memcpy(file.data() + table[i].offset, sections_[i].second.data(), sections_[i].second.size());
  }
  std::memcpy(file.data() + sizeof h, table.data(), table.size() * sizeof(SectionEntry));
  h.file_size = file.size();
  std::memcpy(file.data(), &h, sizeof h);
  h.file_hash = file_hash_of(file);
  std::memcpy(file.data(), &h, sizeof h);

  std::filesystem::path tmp = path;
  tmp += ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(file.data(), static_cast<std::streamsize>(file.size()));
    out.close();
    if (!out) {
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      return "cannot write " + tmp.string();
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return "cannot rename " + tmp.string() + " to " + path.string() + ": " + ec.message();
  }
  return {};
}

}  // namespace epubtok::compiled
