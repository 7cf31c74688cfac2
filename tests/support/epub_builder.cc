#include "support/epub_builder.h"

#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace epubtok::testing {
namespace {

// ---- little-endian writers -------------------------------------------------

void put16(std::string& o, uint32_t v) {
  o.push_back(static_cast<char>(v & 0xFF));
  o.push_back(static_cast<char>((v >> 8) & 0xFF));
}
void put32(std::string& o, uint32_t v) {
  put16(o, v & 0xFFFF);
  put16(o, v >> 16);
}
void put64(std::string& o, uint64_t v) {
  put32(o, static_cast<uint32_t>(v));
  put32(o, static_cast<uint32_t>(v >> 32));
}

// Fixed DOS timestamp (2024-01-01 00:00) so builds are reproducible.
constexpr uint32_t kDosTime = 0;
constexpr uint32_t kDosDate = ((2024 - 1980) << 9) | (1 << 5) | 1;
constexpr uint32_t kMax32 = 0xFFFFFFFFu;

// UTF-8 → CP437 for the accented Latin letters tests use.
std::string to_cp437(std::string_view utf8) {
  struct Map {
    std::string_view u;
    char c;
  };
  static constexpr Map kMap[] = {{"ç", '\x87'}, {"ü", '\x81'}, {"é", '\x82'}, {"â", '\x83'}, {"ä", '\x84'},
                                 {"à", '\x85'}, {"ê", '\x88'}, {"ë", '\x89'}, {"è", '\x8A'}, {"ï", '\x8B'},
                                 {"î", '\x8C'}, {"Ä", '\x8E'}, {"É", '\x90'}, {"ô", '\x93'}, {"ö", '\x94'},
                                 {"û", '\x96'}, {"ù", '\x97'}, {"Ö", '\x99'}, {"Ü", '\x9A'}, {"ñ", '\xA4'},
                                 {"Ñ", '\xA5'}, {"ß", '\xE1'}};
  std::string out;
  for (size_t i = 0; i < utf8.size();) {
    if (static_cast<unsigned char>(utf8[i]) < 0x80) {
      out.push_back(utf8[i++]);
      continue;
    }
    bool found = false;
    for (const Map& m : kMap) {
      if (utf8.compare(i, m.u.size(), m.u) == 0) {
        out.push_back(m.c);
        i += m.u.size();
        found = true;
        break;
      }
    }
    if (!found) throw std::invalid_argument("to_cp437: unsupported character in " + std::string(utf8));
  }
  return out;
}

using Compressed = DeflatedData;

// Feeds an entry's uncompressed bytes in chunks: zero fills from one small
// zero buffer (a multi-gigabyte bomb costs nothing to hold), sources from
// a 1 MiB buffer, data from the string itself.
class EntryBytes {
 public:
  explicit EntryBytes(const ZipEntry& e) : e_(e), remaining_(e.zero_fill > 0 ? e.zero_fill : e.data.size()) {
    if (e.zero_fill == 0 && e.source) chunk_.resize(1 << 20);
  }
  // The next chunk; empty at the end.
  std::string_view next() {
    static const std::string kZeros(1 << 20, '\0');
    if (e_.zero_fill > 0) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, kZeros.size()));
      remaining_ -= n;
      return std::string_view(kZeros.data(), n);
    }
    if (e_.source) return std::string_view(chunk_.data(), e_.source(chunk_.data(), chunk_.size()));
    size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, 1 << 20));
    std::string_view v(e_.data.data() + pos_, n);
    pos_ += n;
    remaining_ -= n;
    return v;
  }

 private:
  const ZipEntry& e_;
  uint64_t remaining_;
  size_t pos_ = 0;
  std::string chunk_;
};

// Raw deflate (no zlib header), as ZIP method 8 wants, streamed chunk by
// chunk so only the compressed bytes are held.
Compressed deflate_entry(const ZipEntry& e) {
  Compressed c;
  z_stream zs{};
  if (deflateInit2(&zs, e.deflate_level, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2");
  EntryBytes bytes(e);
  char out[1 << 16];
  c.crc = static_cast<uint32_t>(crc32(0, nullptr, 0));
  while (true) {
    std::string_view in = bytes.next();
    c.crc =
        static_cast<uint32_t>(crc32(c.crc, reinterpret_cast<const Bytef*>(in.data()), static_cast<uInt>(in.size())));
    c.size += in.size();
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    int flush = in.empty() ? Z_FINISH : Z_NO_FLUSH;
    int rc;
    do {
      zs.next_out = reinterpret_cast<Bytef*>(out);
      zs.avail_out = sizeof(out);
      rc = deflate(&zs, flush);
      c.bytes.append(out, sizeof(out) - zs.avail_out);
    } while (zs.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    if (in.empty()) break;
  }
  deflateEnd(&zs);
  return c;
}

Compressed store_entry(const ZipEntry& e) {
  Compressed c;
  EntryBytes bytes(e);
  c.crc = static_cast<uint32_t>(crc32(0, nullptr, 0));
  for (std::string_view in = bytes.next(); !in.empty(); in = bytes.next()) {
    c.crc =
        static_cast<uint32_t>(crc32(c.crc, reinterpret_cast<const Bytef*>(in.data()), static_cast<uInt>(in.size())));
    c.bytes.append(in);
  }
  c.size = c.bytes.size();
  return c;
}

bool non_ascii(std::string_view s) {
  for (char ch : s)
    if (static_cast<unsigned char>(ch) >= 0x80) return true;
  return false;
}

struct CentralRecord {
  std::string name_bytes;
  uint32_t flags, method, crc;
  uint64_t comp, size, offset;
  bool zip64;
  std::string extra;
};

}  // namespace

std::shared_ptr<const DeflatedData> deflate_zeros(uint64_t n, int level) {
  ZipEntry e;
  e.zero_fill = n;
  e.deflate_level = level;
  return std::make_shared<const DeflatedData>(deflate_entry(e));
}

std::string build_zip(const std::vector<ZipEntry>& entries, bool zip64_end) {
  std::string out;
  std::vector<CentralRecord> central;
  for (const ZipEntry& e : entries) {
    Compressed c = e.deflated                                              ? *e.deflated
                   : e.method == ZipMethod::kDeflate && !e.method_override ? deflate_entry(e)
                                                                           : store_entry(e);
    CentralRecord r;
    r.name_bytes = e.cp437_name ? to_cp437(e.name) : e.name;
    r.flags = (e.data_descriptor ? 0x0008u : 0u) | (!e.cp437_name && non_ascii(e.name) ? 0x0800u : 0u) |
              (e.encrypted_flag ? 0x0001u : 0u);
    r.method = e.method_override ? *e.method_override : (e.deflated || e.method == ZipMethod::kDeflate) ? 8 : 0;
    r.extra = e.extra_field;
    r.crc = e.corrupt_crc ? (c.crc ^ 0x5A5A5A5Au) : c.crc;
    r.comp = c.bytes.size();
    r.size = e.declared_size.value_or(c.size);
    r.offset = out.size();
    r.zip64 = e.zip64 || r.size >= kMax32 || r.comp >= kMax32 || r.offset >= kMax32;
    zip64_end = zip64_end || r.zip64;

    // Local file header.
    put32(out, 0x04034b50);
    put16(out, r.zip64 ? 45 : 20);
    put16(out, r.flags);
    put16(out, r.method);
    put16(out, kDosTime);
    put16(out, kDosDate);
    bool dd = e.data_descriptor;
    put32(out, dd ? 0 : r.crc);
    if (r.zip64) {
      put32(out, kMax32);
      put32(out, kMax32);
    } else {
      put32(out, dd ? 0 : static_cast<uint32_t>(r.comp));
      put32(out, dd ? 0 : static_cast<uint32_t>(r.size));
    }
    put16(out, static_cast<uint32_t>(r.name_bytes.size()));
    put16(out, (r.zip64 ? 20 : 0) + static_cast<uint32_t>(r.extra.size()));
    out += r.name_bytes;
    if (r.zip64) {
      put16(out, 0x0001);
      put16(out, 16);
      put64(out, dd ? 0 : r.size);
      put64(out, dd ? 0 : r.comp);
    }
    out += r.extra;
    out += c.bytes;
    if (dd) {
      put32(out, 0x08074b50);
      put32(out, r.crc);
      if (r.zip64) {
        put64(out, r.comp);
        put64(out, r.size);
      } else {
        put32(out, static_cast<uint32_t>(r.comp));
        put32(out, static_cast<uint32_t>(r.size));
      }
    }
    central.push_back(std::move(r));
  }

  uint64_t cd_offset = out.size();
  for (const CentralRecord& r : central) {
    put32(out, 0x02014b50);
    put16(out, (3 << 8) | (r.zip64 ? 45 : 20));  // made by: Unix
    put16(out, r.zip64 ? 45 : 20);
    put16(out, r.flags);
    put16(out, r.method);
    put16(out, kDosTime);
    put16(out, kDosDate);
    put32(out, r.crc);
    put32(out, r.zip64 ? kMax32 : static_cast<uint32_t>(r.comp));
    put32(out, r.zip64 ? kMax32 : static_cast<uint32_t>(r.size));
    put16(out, static_cast<uint32_t>(r.name_bytes.size()));
    put16(out, (r.zip64 ? 28 : 0) + static_cast<uint32_t>(r.extra.size()));
    put16(out, 0);            // comment
    put16(out, 0);            // disk
    put16(out, 0);            // internal attributes
    put32(out, 0644u << 16);  // external: Unix mode
    put32(out, r.zip64 ? kMax32 : static_cast<uint32_t>(r.offset));
    out += r.name_bytes;
    if (r.zip64) {
      put16(out, 0x0001);
      put16(out, 24);
      put64(out, r.size);
      put64(out, r.comp);
      put64(out, r.offset);
    }
    out += r.extra;
  }
  uint64_t cd_size = out.size() - cd_offset;
  uint64_t count = central.size();
  // The end record's entry counts are 16 bits, its offsets 32.
  zip64_end = zip64_end || count >= 0xFFFF || cd_size >= kMax32 || cd_offset >= kMax32;
  if (zip64_end) {
    uint64_t z64_offset = out.size();
    put32(out, 0x06064b50);
    put64(out, 44);
    put16(out, (3 << 8) | 45);
    put16(out, 45);
    put32(out, 0);
    put32(out, 0);
    put64(out, count);
    put64(out, count);
    put64(out, cd_size);
    put64(out, cd_offset);
    put32(out, 0x07064b50);
    put32(out, 0);
    put64(out, z64_offset);
    put32(out, 1);
  }
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, zip64_end ? 0xFFFF : static_cast<uint32_t>(count));
  put16(out, zip64_end ? 0xFFFF : static_cast<uint32_t>(count));
  put32(out, zip64_end ? kMax32 : static_cast<uint32_t>(cd_size));
  put32(out, zip64_end ? kMax32 : static_cast<uint32_t>(cd_offset));
  put16(out, 0);
  return out;
}

std::string xml_escape(std::string_view s) {
  std::string o;
  o.reserve(s.size() + 16);
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o.push_back(c);
    }
  }
  return o;
}

ChapterSpec make_chapter(std::string file_name, std::string title, const std::vector<std::string>& paragraphs) {
  ChapterSpec c;
  c.file_name = std::move(file_name);
  c.title = std::move(title);
  if (!c.title.empty()) c.body = "<h1>" + xml_escape(c.title) + "</h1>\n";
  for (const std::string& p : paragraphs) c.body += "<p>" + xml_escape(p) + "</p>\n";
  return c;
}

namespace {

std::string dir_of(std::string_view p) {
  size_t s = p.rfind('/');
  return s == std::string_view::npos ? std::string() : std::string(p.substr(0, s + 1));
}

// Percent-encodes what an href must not hold raw (space, %, non-ASCII…).
std::string href_encode(std::string_view s) {
  std::string o;
  for (unsigned char c : s) {
    if (c >= 0x80 || c == ' ' || c == '%' || c == '"' || c == '#' || c == '?') {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      o += buf;
    } else {
      o.push_back(static_cast<char>(c));
    }
  }
  return o;
}

std::string chapter_document(const EpubSpec& spec, const ChapterSpec& ch) {
  std::string lang = !ch.lang.empty() ? ch.lang : (spec.metadata.languages.empty() ? "en" : spec.metadata.languages[0]);
  std::string d = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  if (spec.version >= 3) {
    d += "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\"";
  } else {
    d += "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.1//EN\" \"http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd\">\n"
         "<html xmlns=\"http://www.w3.org/1999/xhtml\"";
  }
  d += " xml:lang=\"" + xml_escape(lang) + "\">\n<head>\n<title>" + xml_escape(ch.title) +
       "</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"style.css\"/>\n</head>\n<body";
  if (!ch.body_type.empty()) d += " epub:type=\"" + xml_escape(ch.body_type) + "\"";
  d += ">\n" + ch.body + "</body>\n</html>\n";
  return d;
}

std::string chapter_id(size_t i) { return "item" + std::to_string(i + 1); }

std::string nav_document(const EpubSpec& spec) {
  std::string opf_dir = dir_of(spec.opf_path);
  std::string d =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
      "<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\">\n"
      "<head><title>Contents</title></head>\n<body>\n<nav epub:type=\"toc\" id=\"toc\">\n<h1>Contents</h1>\n<ol>\n";
  for (const ChapterSpec& ch : spec.chapters)
    if (!ch.title.empty())
      d += "<li><a href=\"" + xml_escape(href_encode(ch.file_name)) + "\">" + xml_escape(ch.title) + "</a></li>\n";
  d += "</ol>\n</nav>\n";
  bool any = false;
  for (const ChapterSpec& ch : spec.chapters) any = any || !ch.landmark.empty();
  if (any) {
    d += "<nav epub:type=\"landmarks\" hidden=\"\">\n<ol>\n";
    for (const ChapterSpec& ch : spec.chapters)
      if (!ch.landmark.empty())
        d += "<li><a epub:type=\"" + xml_escape(ch.landmark) + "\" href=\"" + xml_escape(href_encode(ch.file_name)) +
             "\">" + xml_escape(ch.landmark) + "</a></li>\n";
    d += "</ol>\n</nav>\n";
  }
  d += "</body>\n</html>\n";
  return d;
}

std::string ncx_document(const EpubSpec& spec) {
  std::string uid = spec.metadata.identifiers.empty() ? "none" : spec.metadata.identifiers[0].value;
  std::string d =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" version=\"2005-1\">\n<head>\n"
      "<meta name=\"dtb:uid\" content=\"" +
      xml_escape(uid) +
      "\"/>\n<meta name=\"dtb:depth\" content=\"1\"/>\n"
      "</head>\n<docTitle><text>" +
      xml_escape(spec.metadata.title) + "</text></docTitle>\n<navMap>\n";
  int order = 1;
  for (const ChapterSpec& ch : spec.chapters) {
    if (ch.title.empty()) continue;
    d += "<navPoint id=\"np" + std::to_string(order) + "\" playOrder=\"" + std::to_string(order) +
         "\">"
         "<navLabel><text>" +
         xml_escape(ch.title) + "</text></navLabel><content src=\"" + xml_escape(href_encode(ch.file_name)) +
         "\"/></navPoint>\n";
    ++order;
  }
  d += "</navMap>\n</ncx>\n";
  return d;
}

std::string opf_document(const EpubSpec& spec) {
  const MetadataSpec& m = spec.metadata;
  bool v3 = spec.version >= 3;
  bool ncx = spec.ncx || !v3;
  bool guide = spec.guide || !v3;
  std::string d =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"";
  d += v3 ? "3.0" : "2.0";
  d += "\" unique-identifier=\"uid\">\n<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
       "xmlns:opf=\"http://www.idpf.org/2007/opf\">\n";
  d += "<dc:title id=\"title\">" + xml_escape(m.title) + "</dc:title>\n";
  for (size_t i = 0; i < m.authors.size(); ++i) {
    const AuthorSpec& a = m.authors[i];
    std::string id = "creator" + std::to_string(i + 1);
    if (v3) {
      d += "<dc:creator id=\"" + id + "\">" + xml_escape(a.name) + "</dc:creator>\n";
      if (!a.file_as.empty())
        d += "<meta refines=\"#" + id + "\" property=\"file-as\">" + xml_escape(a.file_as) + "</meta>\n";
      if (!a.role.empty())
        d += "<meta refines=\"#" + id + "\" property=\"role\" scheme=\"marc:relators\">" + xml_escape(a.role) +
             "</meta>\n";
    } else {
      d += "<dc:creator";
      if (!a.file_as.empty()) d += " opf:file-as=\"" + xml_escape(a.file_as) + "\"";
      if (!a.role.empty()) d += " opf:role=\"" + xml_escape(a.role) + "\"";
      d += ">" + xml_escape(a.name) + "</dc:creator>\n";
    }
  }
  for (const std::string& l : m.languages) d += "<dc:language>" + xml_escape(l) + "</dc:language>\n";
  if (!m.publisher.empty()) d += "<dc:publisher>" + xml_escape(m.publisher) + "</dc:publisher>\n";
  if (!m.date.empty()) d += "<dc:date>" + xml_escape(m.date) + "</dc:date>\n";
  for (size_t i = 0; i < m.identifiers.size(); ++i) {
    const IdentifierSpec& id = m.identifiers[i];
    std::string xml_id = i == 0 ? "uid" : "id" + std::to_string(i + 1);
    d += "<dc:identifier id=\"" + xml_id + "\"";
    if (!v3 && !id.scheme.empty()) d += " opf:scheme=\"" + xml_escape(id.scheme) + "\"";
    d += ">" + xml_escape(id.value) + "</dc:identifier>\n";
    if (v3 && !id.scheme.empty())
      d += "<meta refines=\"#" + xml_id + "\" property=\"identifier-type\">" + xml_escape(id.scheme) + "</meta>\n";
  }
  for (const std::string& s : m.subjects) d += "<dc:subject>" + xml_escape(s) + "</dc:subject>\n";
  if (!m.description.empty()) d += "<dc:description>" + xml_escape(m.description) + "</dc:description>\n";
  if (!m.series.empty()) {
    if (v3 && !m.calibre_series) {
      d += "<meta property=\"belongs-to-collection\" id=\"series\">" + xml_escape(m.series) +
           "</meta>\n"
           "<meta refines=\"#series\" property=\"collection-type\">series</meta>\n";
      if (!m.series_index.empty())
        d += "<meta refines=\"#series\" property=\"group-position\">" + xml_escape(m.series_index) + "</meta>\n";
    } else {
      d += "<meta name=\"calibre:series\" content=\"" + xml_escape(m.series) + "\"/>\n";
      if (!m.series_index.empty())
        d += "<meta name=\"calibre:series_index\" content=\"" + xml_escape(m.series_index) + "\"/>\n";
    }
  }
  if (v3) d += "<meta property=\"dcterms:modified\">2024-01-01T00:00:00Z</meta>\n";
  d += m.extra_xml;
  d += "</metadata>\n<manifest>\n";
  if (v3 && spec.nav)
    d += "<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>\n";
  if (ncx) d += "<item id=\"ncx\" href=\"toc.ncx\" media-type=\"application/x-dtbncx+xml\"/>\n";
  d += "<item id=\"css\" href=\"style.css\" media-type=\"text/css\"/>\n";
  for (size_t i = 0; i < spec.chapters.size(); ++i) {
    const ChapterSpec& ch = spec.chapters[i];
    std::string id = ch.manifest_id.empty() ? chapter_id(i) : ch.manifest_id;
    std::string href = ch.manifest_href.empty() ? href_encode(ch.file_name) : ch.manifest_href;
    d += "<item id=\"" + xml_escape(id) + "\" href=\"" + xml_escape(href) + "\" media-type=\"" +
         xml_escape(ch.media_type) + "\"";
    if (!ch.fallback.empty()) d += " fallback=\"" + xml_escape(ch.fallback) + "\"";
    d += "/>\n";
  }
  for (const ManifestItemSpec& it : spec.extra_items) {
    d += "<item id=\"" + xml_escape(it.id) + "\" href=\"" + xml_escape(it.href) + "\" media-type=\"" +
         xml_escape(it.media_type) + "\"";
    if (!it.fallback.empty()) d += " fallback=\"" + xml_escape(it.fallback) + "\"";
    d += "/>\n";
  }
  d += "</manifest>\n<spine";
  if (ncx) d += " toc=\"ncx\"";
  d += ">\n";
  for (size_t i = 0; i < spec.chapters.size(); ++i) {
    const ChapterSpec& ch = spec.chapters[i];
    std::string idref = !ch.spine_idref.empty()   ? ch.spine_idref
                        : !ch.manifest_id.empty() ? ch.manifest_id
                                                  : chapter_id(i);
    d += "<itemref idref=\"" + xml_escape(idref) + "\"";
    if (!spec.chapters[i].linear) d += " linear=\"no\"";
    d += "/>\n";
  }
  d += "</spine>\n";
  if (guide) {
    d += "<guide>\n";
    for (const ChapterSpec& ch : spec.chapters)
      if (!ch.guide_type.empty())
        d += "<reference type=\"" + xml_escape(ch.guide_type) + "\" title=\"" + xml_escape(ch.title) + "\" href=\"" +
             xml_escape(href_encode(ch.file_name)) + "\"/>\n";
    d += "</guide>\n";
  }
  d += "</package>\n";
  return d;
}

}  // namespace

std::string build_epub(const EpubSpec& spec) {
  std::vector<ZipEntry> entries;
  auto add = [&](std::string name, std::string data, bool cp437 = false) {
    ZipEntry e;
    e.name = std::move(name);
    e.data = std::move(data);
    e.method = spec.method;
    e.data_descriptor = spec.data_descriptors;
    e.zip64 = spec.zip64;
    e.cp437_name = cp437;
    entries.push_back(std::move(e));
  };
  if (spec.mimetype != MimetypeMode::kMissing) {
    ZipEntry m;
    m.name = "mimetype";
    m.data = spec.mimetype == MimetypeMode::kWrong ? "application/zip" : "application/epub+zip";
    m.method = spec.mimetype == MimetypeMode::kCompressed ? ZipMethod::kDeflate : ZipMethod::kStored;
    m.zip64 = spec.zip64;
    entries.push_back(std::move(m));
  }
  if (!spec.omit_container) {
    add("META-INF/container.xml",
        spec.container_xml.value_or(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n"
            "<rootfiles>\n<rootfile full-path=\"" +
            xml_escape(spec.opf_path) +
            "\" media-type=\"application/oebps-package+xml\"/>\n</rootfiles>\n</container>\n"));
  }
  if (spec.encryption_xml) add("META-INF/encryption.xml", *spec.encryption_xml);
  if (spec.rights_xml) add("META-INF/rights.xml", *spec.rights_xml);
  if (!spec.omit_opf) add(spec.opf_path, spec.opf_xml.value_or(opf_document(spec)));
  std::string opf_dir = dir_of(spec.opf_path);
  if (spec.version >= 3 && spec.nav) add(opf_dir + "nav.xhtml", nav_document(spec));
  if (spec.ncx || spec.version < 3) add(opf_dir + "toc.ncx", spec.ncx_xml.value_or(ncx_document(spec)));
  add(opf_dir + "style.css", "body { font-family: serif; }\np { text-indent: 1em; margin: 0; }\n");
  for (const ChapterSpec& ch : spec.chapters) {
    if (!ch.in_archive) continue;
    add(opf_dir + ch.file_name, ch.raw_document ? *ch.raw_document : chapter_document(spec, ch), spec.cp437_names);
  }
  for (const ManifestItemSpec& it : spec.extra_items)
    if (it.data) add(opf_dir + it.href, *it.data);
  for (const ZipEntry& e : spec.extra_files) entries.push_back(e);
  return build_zip(entries, spec.zip64);
}

bool write_file(const std::string& path, std::string_view bytes) {
  std::error_code ec;
  std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return false;
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.close();
  return static_cast<bool>(f);
}

}  // namespace epubtok::testing
