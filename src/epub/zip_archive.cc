#include "epub/zip_archive.h"

#include <sys/stat.h>
#include <zip.h>

#ifdef EPUBTOK_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace epubtok::epub {
namespace {

// The lookup key of the last-resort match: ASCII case folded, and a
// backslash read as '/' (careless Windows tools write them as separators).
std::string fold(std::string_view s) {
  std::string r(s);
  for (char& c : r) {
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c + 32);
    else if (c == '\\')
      c = '/';
  }
  return r;
}

// The NFC form of a UTF-8 name; ASCII names (nearly all) are returned as
// they are without touching ICU. A name ICU cannot normalise is its own form.
std::string nfc(std::string_view name) {
  bool ascii = std::all_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) return std::string(name);
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return std::string(name);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
  icu::UnicodeString normalized = n->normalize(u, status);
  if (U_FAILURE(status)) return std::string(name);
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

std::string zip_error_text(int code) {
  zip_error_t e;
  zip_error_init_with_code(&e, code);
  std::string s = zip_error_strerror(&e);
  zip_error_fini(&e);
  return s;
}

}  // namespace

void ZipArchive::Closer::operator()(zip* z) const {
  if (z) zip_discard(z);
}

ZipArchive::ZipArchive(ZipArchive&&) noexcept = default;
ZipArchive& ZipArchive::operator=(ZipArchive&&) noexcept = default;
ZipArchive::~ZipArchive() = default;

Result<ZipArchive> ZipArchive::open(const std::string& path, const ZipLimits& limits) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Result<ZipArchive>(ErrorCode::kFileNotFound, "no such file");
    return Result<ZipArchive>(ErrorCode::kFileUnreadable, std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) return Result<ZipArchive>(ErrorCode::kFileUnreadable, "is a directory");
  // Read the signature ourselves: it both proves readability and lets us
  // tell "not a ZIP" from "a ZIP that lost its end".
  unsigned char sig[4] = {0, 0, 0, 0};
  size_t got = 0;
  {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return Result<ZipArchive>(ErrorCode::kFileUnreadable, std::strerror(errno));
    got = std::fread(sig, 1, 4, f);
    bool read_error = std::ferror(f);
    std::fclose(f);
    if (read_error) return Result<ZipArchive>(ErrorCode::kFileUnreadable, "read error");
  }
  bool local_header = got == 4 && sig[0] == 'P' && sig[1] == 'K' && sig[2] == 3 && sig[3] == 4;

  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &err);
  if (!z) {
    switch (err) {
      case ZIP_ER_NOZIP:
        // libzip found no end-of-central-directory record. If the file still
        // starts with a local file header, it is a ZIP whose tail is gone.
        if (local_header)
          return Result<ZipArchive>(ErrorCode::kZipTruncated,
                                    "starts as a ZIP but its central directory is missing (file cut short?)");
        return Result<ZipArchive>(ErrorCode::kNotZip,
                                  std::string("not a ZIP archive") + (st.st_size == 0 ? " (empty file)" : ""));
      case ZIP_ER_INCONS: return Result<ZipArchive>(ErrorCode::kZipCorrupt, "inconsistent ZIP central directory");
      case ZIP_ER_OPEN:
      case ZIP_ER_READ: return Result<ZipArchive>(ErrorCode::kFileUnreadable, zip_error_text(err));
      case ZIP_ER_MEMORY: return Result<ZipArchive>(ErrorCode::kInternal, "out of memory opening ZIP");
      default: return Result<ZipArchive>(ErrorCode::kZipCorrupt, zip_error_text(err));
    }
  }
  ZipArchive a;
  a.zip_.reset(z);
  a.limits_ = limits;
  a.archive_bytes_ = static_cast<uint64_t>(st.st_size);
  zip_int64_t n = zip_get_num_entries(z, 0);
  a.names_.reserve(static_cast<size_t>(n));
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* name = zip_get_name(z, static_cast<zip_uint64_t>(i), ZIP_FL_ENC_GUESS);
    std::string s = name ? name : "";
    if (!a.exact_.emplace(s, static_cast<size_t>(i)).second) a.duplicates_.push_back(s);  // first wins
    a.folded_.emplace(fold(s), static_cast<size_t>(i));
    a.names_.push_back(std::move(s));
  }
  return a;
}

std::optional<size_t> ZipArchive::find_exact(std::string_view name) const {
  if (auto it = exact_.find(std::string(name)); it != exact_.end()) return it->second;
  return std::nullopt;
}

const std::unordered_map<std::string, std::vector<size_t>>& ZipArchive::nfc_index() const {
  if (!nfc_) {
    nfc_.emplace();
    for (size_t i = 0; i < names_.size(); ++i) (*nfc_)[nfc(names_[i])].push_back(i);
  }
  return *nfc_;
}

std::optional<size_t> ZipArchive::find(std::string_view name) const {
  if (auto exact = find_exact(name)) return exact;
  if (auto it = nfc_index().find(nfc(name)); it != nfc_index().end()) return it->second.front();
  if (auto it = folded_.find(fold(name)); it != folded_.end()) return it->second;
  return std::nullopt;
}

std::vector<size_t> ZipArchive::nfc_twins(size_t index) const {
  std::vector<size_t> twins;
  auto it = nfc_index().find(nfc(names_.at(index)));
  if (it == nfc_index().end()) return twins;
  for (size_t i : it->second)
    if (i != index) twins.push_back(i);
  return twins;
}

#ifdef EPUBTOK_HAVE_LIBDEFLATE
namespace {

struct DecompressorFree {
  void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};

}  // namespace

// Performance: inflating is a large part of reading a book. zlib (through
// libzip) streams; libdeflate decompresses a whole buffer at once, which is
// faster, and so is its CRC-32. EPUB entries
// state their size, so whole-buffer decompression fits, as long as a
// header that lies is caught: output space is exactly the declared size, so
// a larger stream fails with INSUFFICIENT_SPACE and goes to the capped
// streaming path; a smaller one is caught by the CRC.
std::optional<Status> ZipArchive::read_deflated_fast(size_t index, uint32_t crc, uint64_t declared, uint64_t comp,
                                                     std::string& out) const {
  const std::string& name = names_[index];
  zip_file_t* f = zip_fopen_index(zip_.get(), index, ZIP_FL_COMPRESSED);
  if (!f) return std::nullopt;
  // Reused per thread (see read_into); released when a huge entry grew it.
  thread_local std::string in;
  if (in.size() < comp) in.resize(static_cast<size_t>(comp));
  zip_int64_t got = zip_fread(f, in.data(), static_cast<zip_uint64_t>(comp));
  zip_fclose(f);
  if (got < 0 || static_cast<uint64_t>(got) != comp) {
    return Status(ErrorCode::kZipTruncated, "entry " + name + " is cut short: " + std::to_string(got < 0 ? 0 : got) +
                                                " of " + std::to_string(comp) + " compressed bytes");
  }
  thread_local std::unique_ptr<libdeflate_decompressor, DecompressorFree> d(libdeflate_alloc_decompressor());
  if (!d) return std::nullopt;
  out.resize(static_cast<size_t>(declared));
  size_t actual = 0;
  libdeflate_result r =
      libdeflate_deflate_decompress(d.get(), in.data(), static_cast<size_t>(comp), out.data(), out.size(), &actual);
  if (in.capacity() > (64u << 20)) std::string().swap(in);
  if (r == LIBDEFLATE_INSUFFICIENT_SPACE) return std::nullopt;
  if (r != LIBDEFLATE_SUCCESS)
    return Status(ErrorCode::kZipCorrupt, "entry " + name + " is damaged: invalid deflate data");
  out.resize(actual);
  if (libdeflate_crc32(0, out.data(), out.size()) != crc)
    return Status(ErrorCode::kZipCorrupt, "entry " + name + " is damaged: CRC error");
  return Status::ok();
}
#endif

bool ZipArchive::is_stored(size_t index) const {
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(zip_.get(), index, 0, &st) != 0) return false;
  return (st.valid & ZIP_STAT_COMP_METHOD) && st.comp_method == ZIP_CM_STORE;
}

namespace {

// The ratio test: an entry larger than kRatioFloor that inflates more than
// max_ratio times its compressed size is a bomb.
std::optional<Status> over_ratio(const ZipLimits& limits, const std::string& name, uint64_t size, uint64_t comp,
                                 const char* what) {
  if (size > ZipLimits::kRatioFloor && comp > 0 &&
      static_cast<double>(size) / static_cast<double>(comp) > limits.max_ratio)
    return Status(ErrorCode::kZipBomb, "entry " + name + " " + what + " " + std::to_string(size) + " bytes from " +
                                           std::to_string(comp) + " compressed, a ratio over " +
                                           std::to_string(static_cast<long long>(limits.max_ratio)) + ":1");
  return std::nullopt;
}

}  // namespace

Status ZipArchive::check_declared(size_t index) const {
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(zip_.get(), index, 0, &st) != 0)
    return Status(ErrorCode::kZipCorrupt, "cannot stat entry " + names_.at(index));
  uint64_t comp = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
  uint64_t declared = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
  if (auto s = over_ratio(limits_, names_.at(index), declared, comp, "declares")) return *s;
  return Status::ok();
}

Result<std::string> ZipArchive::read(size_t index) const {
  std::string out;
  if (Status s = read_into(index, out); !s) return s;
  return out;
}

Status ZipArchive::read_into(size_t index, std::string& out) const {
  out.clear();
  const std::string& name = names_.at(index);
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(zip_.get(), index, 0, &st) != 0)
    return Status(ErrorCode::kZipCorrupt, "cannot stat entry " + name);
  uint64_t comp = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
  uint64_t declared = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
  if (auto s = over_ratio(limits_, name, declared, comp, "declares")) return *s;
  // An honest header over the size limit: a big entry, not a hostile one.
  if (declared > limits_.max_entry_bytes)
    return Status(ErrorCode::kTooLarge, "entry " + name + " is " + std::to_string(declared) +
                                            " bytes uncompressed, over the limit of " +
                                            std::to_string(limits_.max_entry_bytes));
  // The compressed size sizes a buffer below: a header claiming more than
  // the whole file holds is damage, not a reason to allocate gigabytes.
  if (comp > archive_bytes_)
    return Status(ErrorCode::kZipCorrupt, "entry " + name + " declares " + std::to_string(comp) +
                                              " compressed bytes, more than the archive's " +
                                              std::to_string(archive_bytes_));
  if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
    return Status(ErrorCode::kDrm, "entry " + name + " is encrypted at the ZIP level");

#ifdef EPUBTOK_HAVE_LIBDEFLATE
  if ((st.valid & ZIP_STAT_COMP_METHOD) && st.comp_method == ZIP_CM_DEFLATE && (st.valid & ZIP_STAT_CRC) &&
      (st.valid & ZIP_STAT_SIZE) && declared > 0 && comp > 0) {
    if (std::optional<Status> fast = read_deflated_fast(index, st.crc, declared, comp, out)) return *fast;
    // nullopt: the header lied low (more data than declared); the streaming
    // path below enforces the limits chunk by chunk.
  }
#endif
  zip_file_t* f = zip_fopen_index(zip_.get(), index, 0);
  if (!f) {
    zip_error_t* e = zip_get_error(zip_.get());
    int ze = zip_error_code_zip(e);
    std::string msg = "cannot open entry " + name + ": " + zip_error_strerror(e);
    zip_error_clear(zip_.get());
    if (ze == ZIP_ER_ENCRNOTSUPP || ze == ZIP_ER_NOPASSWD) return Status(ErrorCode::kDrm, msg);
    return Status(ErrorCode::kZipCorrupt, msg);
  }
  // Read what the header claims in one call (bounded, so a lying header
  // cannot make us allocate much), then drain the rest through a small stack
  // buffer: the header may have lied low, and appending grows the string
  // without zero-filling memory we would then discard.
  auto fail = [&](zip_file_t* file) -> Status {
    zip_error_t* e = zip_file_get_error(file);
    int ze = zip_error_code_zip(e);
    std::string msg = "entry " + name + " is damaged: " + zip_error_strerror(e);
    zip_fclose(file);
    if (ze == ZIP_ER_EOF || ze == ZIP_ER_READ)
      return Status(ErrorCode::kZipTruncated, "entry " + name + " is cut short: " + msg);
    return Status(ErrorCode::kZipCorrupt, msg);
  };
  size_t want = static_cast<size_t>(std::min<uint64_t>(declared, 64ull << 20));
  if (want > 0) {
    out.resize(want);
    zip_int64_t r = zip_fread(f, out.data(), want);
    if (r < 0) return fail(f);
    out.resize(static_cast<size_t>(r));
  }
  char buf[64 * 1024];
  while (true) {
    zip_int64_t r = zip_fread(f, buf, sizeof buf);
    if (r < 0) return fail(f);
    if (r == 0) break;
    out.append(buf, static_cast<size_t>(r));
    // Past the declared size here means the header lied: a bomb either way.
    std::optional<Status> s = over_ratio(limits_, name, out.size(), comp, "inflates to at least");
    if (!s && out.size() > limits_.max_entry_bytes)
      s = Status(ErrorCode::kZipBomb, "entry " + name + " inflates to at least " + std::to_string(out.size()) +
                                          " bytes, over the limit of " + std::to_string(limits_.max_entry_bytes) +
                                          " (its header declares " + std::to_string(declared) + ")");
    if (s) {
      zip_fclose(f);
      return *s;
    }
  }
  int close_err = zip_fclose(f);
  if (close_err != 0) {
    return Status(ErrorCode::kZipCorrupt, "entry " + name + " is damaged: " + zip_error_text(close_err));
  }
  return Status::ok();
}

}  // namespace epubtok::epub
