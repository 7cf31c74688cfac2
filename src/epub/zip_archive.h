// Read-only access to the ZIP container of an EPUB, with the safety limits
// that make hostile files harmless (internal to epub/, used by read_book).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"

struct zip;

namespace epubtok::epub {

struct ZipLimits {
  // Reading an entry that declares more uncompressed bytes than this fails
  // with EPUB_TOO_LARGE; one that inflates past it while declaring less lied
  // about its size and fails with EPUB_ZIP_BOMB. Default 512 MiB.
  uint64_t max_entry_bytes = 512ull << 20;
  // An entry whose uncompressed/compressed ratio exceeds this is a zip bomb,
  // but only once it is larger than kRatioFloor: small, highly repetitive
  // files (CSS, empty pages) legitimately compress very well. Default 1000.
  double max_ratio = 1000.0;
  static constexpr uint64_t kRatioFloor = 1ull << 20;
};

// An open archive. Move-only; not safe for concurrent use (one per reader).
class ZipArchive {
 public:
  // Opens `path`. Errors: FILE_NOT_FOUND, FILE_UNREADABLE (permissions, a
  // directory, I/O error), EPUB_NOT_ZIP (no ZIP signature at all),
  // EPUB_ZIP_TRUNCATED (starts like a ZIP but the central directory is
  // missing — the usual result of an interrupted download or copy),
  // EPUB_ZIP_CORRUPT (central directory present but inconsistent). Messages
  // do not repeat `path`: callers show it beside them.
  static Result<ZipArchive> open(const std::string& path, const ZipLimits& limits);

  ZipArchive(ZipArchive&&) noexcept;
  ZipArchive& operator=(ZipArchive&&) noexcept;
  ~ZipArchive();

  // Entry names in central-directory order, UTF-8 (names without the UTF-8
  // flag that are not valid UTF-8 are read as CP437, as libzip guesses).
  const std::vector<std::string>& names() const { return names_; }

  // Index of the entry named `name`: exact (case-sensitive) match first,
  // then equality after Unicode normalization (NFC: an href may spell "ü"
  // decomposed while the entry name is precomposed, or the reverse), then a
  // case-insensitive (ASCII) match, with a backslash read as '/', as a fallback
  // for books whose hrefs disagree with the archive in case or whose tool
  // wrote Windows separators. Among several entries that match at the same
  // step, the first in the central directory wins (see nfc_twins()).
  // nullopt when absent.
  std::optional<size_t> find(std::string_view name) const;

  // Names that occur more than once in the central directory (each repeat
  // listed once per extra occurrence). find() returns the first.
  const std::vector<std::string>& duplicate_names() const { return duplicates_; }

  // Index of the entry named exactly `name` (byte for byte), or nullopt.
  std::optional<size_t> find_exact(std::string_view name) const;

  // The other entries whose names equal entry `index`'s after NFC
  // normalization (two spellings of one name: an ambiguous archive). Empty
  // for nearly every entry. Not thread-safe: the first call builds an
  // index of the names (like every other member, one thread per archive).
  std::vector<size_t> nfc_twins(size_t index) const;

  // The uncompressed bytes of entry `index`. Never trusts declared sizes:
  // reads in chunks and stops with EPUB_ZIP_BOMB as soon as the limits are
  // exceeded (EPUB_TOO_LARGE when the header honestly declares a size over
  // max_entry_bytes). EPUB_ZIP_CORRUPT on CRC or inflate errors, EPUB_DRM
  // for ZIP-level encryption.
  Result<std::string> read(size_t index) const;

  // The same, into `out` (replacing its contents, reusing its capacity: a
  // caller reading many entries with one buffer avoids fresh allocations,
  // whose page faults cost more than inflating). `out` is unspecified on
  // error.
  Status read_into(size_t index, std::string& out) const;

  // Checks the ratio entry `index` declares in the central directory
  // (EPUB_ZIP_BOMB), without inflating anything. Cheap; read() applies the
  // same test plus the size checks. A large entry with a plausible ratio
  // passes: it matters only if it is read.
  Status check_declared(size_t index) const;

  // True when the entry is stored (not compressed).
  bool is_stored(size_t index) const;

 private:
  ZipArchive() = default;
  // Whole-buffer inflate with libdeflate; nullopt means "use the streaming
  // path" (see zip_archive.cc).
  std::optional<Status> read_deflated_fast(size_t index, uint32_t crc, uint64_t declared, uint64_t comp,
                                           std::string& out) const;
  struct Closer {
    void operator()(zip* z) const;
  };
  std::unique_ptr<zip, Closer> zip_;
  ZipLimits limits_;
  uint64_t archive_bytes_ = 0;  // the file's size: no entry's data can be larger
  std::vector<std::string> names_;
  std::vector<std::string> duplicates_;
  std::unordered_map<std::string, size_t> exact_;
  std::unordered_map<std::string, size_t> folded_;
  // NFC form → entries, in central-directory order; built on first use by
  // nfc_index() (most books never need it).
  const std::unordered_map<std::string, std::vector<size_t>>& nfc_index() const;
  mutable std::optional<std::unordered_map<std::string, std::vector<size_t>>> nfc_;
};

}  // namespace epubtok::epub
