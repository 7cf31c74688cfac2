// A compiled vocabulary file: the tables a tokenizer builds from its source
// file (tiktoken JSON, tokenizer.json), written once by `make vocab` so that
// a later process maps them read-only and uses them in place instead of
// parsing and rebuilding them.
//
// Layout (little-endian, as the writing host stores it; `endian` rejects a
// file from a host of the other byte order):
//
//   offset 0   FileHeader (96 bytes)
//   offset 96  SectionEntry[section_count] (24 bytes each)
//   then       the sections, each starting at a multiple of 64
//
// The header names the format version, what kind of tokenizer the sections
// describe, and the size and XXH3-64 hash of the source file the sections
// were built from: a file compiled from another source (stale, or foreign)
// is refused. `file_hash` is XXH3-64 over the whole file with that field
// read as zero, so any damaged or truncated byte is detected at open.
//
// The header also keeps the source's file identity when compiled (device,
// inode, size, modification and status-change times). While the source
// still has that identity it has not been rewritten, so the loader skips
// reading and hashing it; a source with
// another identity (copied, reinstalled, touched) is hashed and compared.
//
// A section is an array of fixed-layout records that its reader uses in
// place; the meaning of each section id belongs to the kind (see the
// loaders). A file that is missing, stale, damaged or of another version is
// not an error for the tokenizer: its loader falls back to the source.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace epubtok::compiled {

inline constexpr char kMagic[8] = {'E', 'P', 'T', 'K', 'V', 'O', 'C', '\0'};
// A compiled file sits next to its source: "<source file name>" + kFileSuffix.
inline constexpr const char* kFileSuffix = ".compiled";
// Bumped whenever the header, a section id or a record layout changes.
inline constexpr uint32_t kFormatVersion = 7;
inline constexpr uint32_t kEndianTag = 0x01020304u;
inline constexpr size_t kSectionAlign = 64;

// What the sections describe; each loader asks for its own kind.
enum class Kind : uint32_t { kTiktoken = 1, kHfBpe = 2 };

struct FileHeader {
  char magic[8];
  uint32_t endian;
  uint32_t format_version;
  uint32_t kind;
  uint32_t section_count;
  uint64_t file_size;
  uint64_t source_size;
  uint64_t source_hash;
  uint64_t file_hash;
  uint64_t source_dev;
  uint64_t source_ino;
  uint64_t source_mtime_ns;
  uint64_t source_ctime_ns;
  uint64_t reserved;
};
static_assert(sizeof(FileHeader) == 96);

struct SectionEntry {
  uint32_t id;
  uint32_t reserved;
  uint64_t offset;  // from the start of the file, a multiple of kSectionAlign
  uint64_t size;    // in bytes
};
static_assert(sizeof(SectionEntry) == 24);

// The identity of a source file: its size and XXH3-64 hash.
struct SourceStamp {
  uint64_t size = 0;
  uint64_t hash = 0;
  bool operator==(const SourceStamp&) const = default;
};
SourceStamp stamp_of(std::string_view source_bytes);

// What stat() says about a file: unchanged while the file is not rewritten.
struct FileIdentity {
  uint64_t dev = 0;
  uint64_t ino = 0;
  uint64_t size = 0;
  uint64_t mtime_ns = 0;
  uint64_t ctime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};
// The identity of `path`; nullopt with `error` ("missing", …) when stat fails.
std::optional<FileIdentity> identity_of(const std::filesystem::path& path, std::string& error);

// XXH3-64 of `bytes` (what the stamps and file_hash use).
uint64_t hash_bytes(std::string_view bytes);

// False when $EPUBTOK_COMPILED_VOCAB is "0" or "off": loaders then parse
// the sources only (A/B runs, tests). Read once.
bool enabled();

// Tells the user, once per file and process, on one stderr line, that the
// compiled file `path` exists but was not used because of `why` (as
// Reader::open sets it) and the source is loaded instead. Silent when `why`
// is "missing": a compiled file is an optional accelerator. Thread-safe.
void report_fallback(const std::filesystem::path& path, const std::string& why);

// A read-only mapping of a whole file; unmapped when the last owner goes.
class MappedFile {
 public:
  // Maps `path`; nullptr with `error` set when it cannot be opened, is not
  // a regular file or cannot be mapped. An empty file maps as empty bytes.
  static std::shared_ptr<const MappedFile> open(const std::filesystem::path& path, std::string& error);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }

 private:
  MappedFile(void* data, size_t size) : data_(data), size_(size) {}
  void* data_;
  size_t size_;
};

// A verified compiled file: its sections, usable in place while the object
// (and every shared_ptr from keep_alive()) lives.
class Reader {
 public:
  // Maps `path` and checks magic, byte order, version, kind, size and the
  // whole-file hash, then that it was built from the source: `source` has
  // the identity recorded at compile time, or else `stamp()` (which reads
  // and hashes the source; called at most once) equals the recorded
  // stamp. On any mismatch returns nullptr and sets `why` to a short
  // reason ("missing", "built from another version of the source file",
  // "damaged (checksum mismatch)", …).
  static std::shared_ptr<const Reader> open(const std::filesystem::path& path, Kind kind, const FileIdentity& source,
                                            const std::function<SourceStamp()>& stamp, std::string& why);

  // The bytes of section `id`; nullopt when the file has no such section.
  std::optional<std::string_view> section(uint32_t id) const;

  // Section `id` as `count` records of T (T trivially copyable; sections
  // are 64-byte aligned), nullopt when absent or not a whole number of T.
  template <typename T>
  std::optional<std::span<const T>> records(uint32_t id) const {
    auto s = section(id);
    if (!s || s->size() % sizeof(T) != 0) return std::nullopt;
    return std::span<const T>(reinterpret_cast<const T*>(s->data()), s->size() / sizeof(T));
  }

  // Keeps the mapping alive (for tables that point into it).
  std::shared_ptr<const void> keep_alive() const { return file_; }

 private:
  std::shared_ptr<const MappedFile> file_;
  std::span<const SectionEntry> sections_;
};

// Collects sections and writes a compiled file.
class Writer {
 public:
  // Adds section `id` (ids unique within a file).
  void add(uint32_t id, std::string_view bytes);
  template <typename T>
  void add_records(uint32_t id, std::span<const T> records) {
    add(id, std::string_view(reinterpret_cast<const char*>(records.data()), records.size_bytes()));
  }

  // Writes the file atomically (a temporary file in the same directory,
  // renamed over `path`), so a reader never sees a partial file. Returns an
  // error message, empty on success.
  std::string write(const std::filesystem::path& path, Kind kind, const SourceStamp& source,
                    const FileIdentity& identity) const;

 private:
  std::vector<std::pair<uint32_t, std::string>> sections_;
};

}  // namespace epubtok::compiled
