#include "epub/epub_reader.h"

#include <pugixml.hpp>

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "epub/charset.h"
#include "epub/html_text.h"
#include "epub/package.h"
#include "epub/zip_archive.h"

namespace epubtok::epub {

std::string_view chapter_kind_name(ChapterKind kind) {
  switch (kind) {
    case ChapterKind::kFront: return "front";
    case ChapterKind::kBody: return "body";
    case ChapterKind::kBack: return "back";
  }
  return "body";
}

std::optional<ChapterKind> parse_chapter_kind(std::string_view name) {
  for (ChapterKind kind : {ChapterKind::kFront, ChapterKind::kBody, ChapterKind::kBack}) {
    if (chapter_kind_name(kind) == name) return kind;
  }
  return std::nullopt;
}

namespace {

// Non-fatal problems of one book, at most kMax kept: a hostile book can make
// one per TOC entry or spine item, a million of them.
class Warnings {
 public:
  static constexpr size_t kMax = 200;
  void add(std::string w) {
    if (list_.size() < kMax)
      list_.push_back(std::move(w));
    else
      ++dropped_;
  }
  std::vector<std::string> take() {
    if (dropped_ > 0) list_.push_back("and " + std::to_string(dropped_) + " more warnings");
    dropped_ = 0;
    return std::move(list_);
  }

 private:
  std::vector<std::string> list_;
  size_t dropped_ = 0;
};

// Encryption algorithms that only obfuscate embedded fonts. Applied to a
// font they hide nothing we count; applied to a content document they make
// it unreadable like any other cipher.
constexpr std::string_view kFontObfuscation[] = {
    "http://www.idpf.org/2008/embedding",
    "http://ns.adobe.com/pdf/enc#RC",
};

struct EncryptedEntry {
  std::string algorithm;
  std::string path;  // archive path of the encrypted resource
};

// The resources META-INF/encryption.xml lists as encrypted. An EncryptedData
// without an EncryptionMethod (only a Compression property: OCF lets a
// container say a resource was compressed before storing) is not encryption
// and is left out.
Result<std::vector<EncryptedEntry>> parse_encryption(std::string_view xml) {
  pugi::xml_document doc;
  pugi::xml_parse_result r = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!r)
    return Result<std::vector<EncryptedEntry>>(
        ErrorCode::kMalformedXml,
        "META-INF/encryption.xml: " + std::string(r.description()) + " at byte offset " + std::to_string(r.offset));
  std::vector<EncryptedEntry> out;
  for (pugi::xpath_node xn : doc.select_nodes("//*[local-name()='EncryptedData']")) {
    pugi::xpath_node m = xn.node().select_node(".//*[local-name()='EncryptionMethod']");
    if (!m) continue;
    EncryptedEntry e;
    e.algorithm = m.node().attribute("Algorithm").value();
    pugi::xpath_node c = xn.node().select_node(".//*[local-name()='CipherReference']");
    // Cipher references are relative to the archive root.
    if (c) e.path = resolve_href("", c.node().attribute("URI").value());
    if (!e.path.empty()) out.push_back(std::move(e));
  }
  return out;
}

bool is_font_obfuscation(std::string_view alg) {
  for (std::string_view a : kFontObfuscation)
    if (a == alg) return true;
  return false;
}

// Media types whose text we extract. Anything else in the spine (images,
// PDFs: invalid, but seen) yields an empty chapter.
bool is_text_media_type(std::string_view mt) {
  return mt.empty() || mt == "application/xhtml+xml" || mt == "text/html" || mt == "image/svg+xml" ||
         mt == "application/xml" || mt == "text/xml" || mt == "application/x-dtbook+xml" ||
         mt == "text/x-oeb1-document" || mt == "text/plain";
}

// The content documents EPUB 3 lets a spine hold without a fallback; a
// foreign spine item is read through the first of these in its fallback
// chain.
bool is_content_document_type(std::string_view mt) { return mt == "application/xhtml+xml" || mt == "image/svg+xml"; }

// Raster images: a spine item of this type is a picture page.
bool is_raster_image_type(std::string_view mt) { return mt.substr(0, 6) == "image/" && mt != "image/svg+xml"; }

// The manifest item whose bytes stand for spine item `item`: the item
// itself, unless it is a foreign resource with a manifest fallback chain,
// which is followed to its first XHTML or SVG content document. Problems
// with the chain (a dangling id, a cycle, no content document in it) are
// warnings, and the item itself is read.
const ManifestItem& content_item(const Package& pkg, const ManifestItem& item, Warnings& warnings) {
  if (is_content_document_type(item.media_type) || item.fallback.empty()) return item;
  std::vector<const ManifestItem*> chain{&item};
  const ManifestItem* cur = &item;
  while (!cur->fallback.empty()) {
    auto it = pkg.manifest_by_id.find(cur->fallback);
    if (it == pkg.manifest_by_id.end()) {
      warnings.add("spine item " + item.href + ": fallback \"" + cur->fallback + "\" is not in the manifest");
      return item;
    }
    const ManifestItem* next = &pkg.manifest[it->second];
    if (std::find(chain.begin(), chain.end(), next) != chain.end()) {
      warnings.add("spine item " + item.href + ": the fallback chain loops back to \"" + next->id + "\"");
      return item;
    }
    if (is_content_document_type(next->media_type)) return *next;
    chain.push_back(next);
    cur = next;
  }
  warnings.add("spine item " + item.href + " (" + item.media_type +
               "): no XHTML or SVG document in its fallback chain");
  return item;
}

// Removes leading blank lines and trailing white space.
void trim_blank_lines(std::string& s) {
  size_t line_start = 0, i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) {
    if (s[i] == '\n') line_start = i + 1;
    ++i;
  }
  if (i == s.size()) {
    s.clear();
    return;
  }
  s.erase(0, line_start);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.pop_back();
}

// Chapter kinds. Explicit marks come, by precedence, from the EPUB 3
// landmarks nav, then epub:type on the document's <body> or first
// <section>, then the EPUB 2 guide. Unmarked items are then filled by the
// simplest rule that matches how books are built: front matter precedes the
// body and back matter follows it. So, when some item is marked body
// ("bodymatter"/"text" landmarks name where the body STARTS), unmarked items
// before the first body mark are front; unmarked items after the first back
// mark that follows the body start (or after the first back mark when no
// body mark exists) are back; every other unmarked item is body.
void assign_kinds(std::vector<Chapter>& chapters, const std::vector<std::optional<ChapterKind>>& marks) {
  std::optional<size_t> first_body;
  for (size_t i = 0; i < marks.size(); ++i)
    if (marks[i] == ChapterKind::kBody) {
      first_body = i;
      break;
    }
  std::optional<size_t> first_back;
  for (size_t i = first_body.value_or(0); i < marks.size(); ++i)
    if (marks[i] == ChapterKind::kBack) {
      first_back = i;
      break;
    }
  for (size_t i = 0; i < chapters.size(); ++i) {
    if (marks[i]) {
      chapters[i].kind = *marks[i];
    } else if (first_body && i < *first_body) {
      chapters[i].kind = ChapterKind::kFront;
    } else if (first_back && i > *first_back) {
      chapters[i].kind = ChapterKind::kBack;
    } else {
      chapters[i].kind = ChapterKind::kBody;
    }
  }
}

}  // namespace

namespace {

// Finds the archive entry an href names: the resolved href as written
// first, then percent-decoded, then by NFC and case (ZipArchive::find).
// When the entry found has another spelling in the archive that is the
// same after NFC, says so once in a warning: the book is ambiguous and the
// first entry in the central directory is the one read.
class EntryLocator {
 public:
  EntryLocator(const ZipArchive& zip, Warnings& warnings) : zip_(zip), warnings_(warnings) {}

  std::optional<size_t> find(const std::string& decoded, const std::string& literal = {}) {
    std::optional<size_t> idx;
    if (!literal.empty() && literal != decoded) idx = zip_.find_exact(literal);
    if (!idx) idx = zip_.find(decoded);
    if (idx && warned_.insert(*idx).second) {
      std::vector<size_t> twins = zip_.nfc_twins(*idx);
      if (!twins.empty()) {
        std::string names;
        for (size_t t : twins) names += (names.empty() ? "" : ", ") + zip_.names()[t];
        warnings_.add("archive entries " + zip_.names()[*idx] + " and " + names +
                      " have the same name after Unicode normalization; " + decoded + " reads " + zip_.names()[*idx]);
      }
    }
    return idx;
  }

  // The archive's spelling of `href`, or `href` itself when absent.
  std::string name_of(const std::string& href) {
    auto idx = find(href);
    return idx ? zip_.names()[*idx] : href;
  }

 private:
  const ZipArchive& zip_;
  Warnings& warnings_;
  std::unordered_set<size_t> warned_;
};

// "a.mp4, b.mp3 and 3 more": names for a warning, at most `shown` of them.
std::string list_names(const std::vector<std::string>& names, size_t shown = 5) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < shown; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > shown) out += " and " + std::to_string(names.size() - shown) + " more";
  return out;
}

}  // namespace

Result<Book> read_book(const std::string& path, const ReadOptions& options) {
  ZipLimits limits;
  limits.max_entry_bytes = options.max_entry_bytes;
  limits.max_ratio = options.max_ratio;
  Result<ZipArchive> opened = ZipArchive::open(path, limits);
  if (!opened) return opened.status();
  const ZipArchive& zip = *opened;
  Book book;
  Warnings warnings;
  EntryLocator locate(zip, warnings);

  // A bomb anywhere in the archive rejects the book, even in an entry we
  // would never inflate: the file is hostile or broken either way, and the
  // central directory check costs nothing.
  for (size_t i = 0; i < zip.names().size(); ++i)
    if (Status s = zip.check_declared(i); !s) return s;

  if (!zip.duplicate_names().empty())
    warnings.add("the archive holds " + std::to_string(zip.duplicate_names().size()) +
                 " duplicate entry name(s), the first of each is read: " + list_names(zip.duplicate_names()));

  // mimetype: required first and stored, but readers cope without it.
  if (auto idx = zip.find("mimetype"); !idx) {
    warnings.add("no mimetype entry");
  } else {
    Result<std::string> mt = zip.read(*idx);
    if (!mt) return mt.status();
    if (*mt != "application/epub+zip") warnings.add("mimetype entry is \"" + mt->substr(0, 64) + "\"");
    if (*idx != 0) warnings.add("mimetype is not the first entry");
    if (!zip.is_stored(*idx)) warnings.add("mimetype entry is compressed");
  }

  // Encrypted resources by archive name → algorithm. Whether they make the
  // book DRM depends on what they are, known once the spine is.
  std::unordered_map<std::string, std::string> encrypted;
  if (auto enc_idx = zip.find("META-INF/encryption.xml")) {
    Result<std::string> xml = zip.read(*enc_idx);
    if (!xml) return xml.status();
    Result<std::string> utf8 = decode_to_utf8(std::move(*xml), "META-INF/encryption.xml");
    if (!utf8) return utf8.status();
    Result<std::vector<EncryptedEntry>> enc = parse_encryption(*utf8);
    if (!enc) return enc.status();
    for (EncryptedEntry& e : *enc) encrypted.emplace(locate.name_of(e.path), std::move(e.algorithm));
  }
  auto encryption_of = [&](const std::string& archive_name) -> const std::string* {
    auto it = encrypted.find(archive_name);
    return it == encrypted.end() ? nullptr : &it->second;
  };

  auto container_idx = zip.find("META-INF/container.xml");
  if (!container_idx) return Result<Book>(ErrorCode::kMissingContainer, "META-INF/container.xml is not in the archive");
  Result<std::string> container_raw = zip.read(*container_idx);
  if (!container_raw) return container_raw.status();
  Result<std::string> container = decode_to_utf8(std::move(*container_raw), "META-INF/container.xml");
  if (!container) return container.status();
  Result<std::string> opf_path = parse_container(*container);
  if (!opf_path) return opf_path.status();
  auto opf_idx = locate.find(*opf_path);
  if (!opf_idx) return Result<Book>(ErrorCode::kMissingOpf, "package document " + *opf_path + " is not in the archive");
  if (const std::string* alg = encryption_of(zip.names()[*opf_idx]))
    return Result<Book>(ErrorCode::kDrm, "package document " + zip.names()[*opf_idx] + " is encrypted with " + *alg +
                                             " (META-INF/encryption.xml)");
  Result<std::string> opf_raw = zip.read(*opf_idx);
  if (!opf_raw) return opf_raw.status();
  Result<std::string> opf_utf8 = decode_to_utf8(std::move(*opf_raw), *opf_path);
  if (!opf_utf8) return opf_utf8.status();
  Result<Package> pkg_r = parse_opf(*opf_utf8, *opf_path);
  if (!pkg_r) return pkg_r.status();
  Package& pkg = *pkg_r;
  book.metadata = std::move(pkg.metadata);

  // The spine, resolved to the documents that are read: each itemref's
  // manifest item, through its fallback chain when it is foreign. Every
  // document is checked for encryption before any is read, so a DRM book is
  // reported as such whatever else is wrong with it.
  struct SpineDoc {
    const SpineRef* ref;
    const ManifestItem* item;     // the spine's own manifest item
    const ManifestItem* content;  // what is read: `item` or its fallback
    size_t index;                 // archive entry of `content`
  };
  std::vector<SpineDoc> spine;
  spine.reserve(pkg.spine.size());
  size_t unknown_idrefs = 0;
  std::string first_unknown_idref;
  for (const SpineRef& ref : pkg.spine) {
    auto mit = pkg.manifest_by_id.find(ref.idref);
    if (mit == pkg.manifest_by_id.end()) {
      if (unknown_idrefs++ == 0) first_unknown_idref = ref.idref;
      continue;
    }
    const ManifestItem& item = pkg.manifest[mit->second];
    const ManifestItem& content = content_item(pkg, item, warnings);
    auto idx = locate.find(content.href, content.literal_href);
    if (!idx)
      return Result<Book>(ErrorCode::kMissingSpineItem,
                          "spine item " + content.href + " (id \"" + content.id + "\") is not in the archive");
    if (&content != &item)
      warnings.add("spine item " + item.href + " (" + item.media_type + ") is read through its fallback " +
                   zip.names()[*idx]);
    spine.push_back({&ref, &item, &content, *idx});
  }
  if (unknown_idrefs > 0)
    warnings.add(
        "spine itemref \"" + first_unknown_idref + "\"" +
        (unknown_idrefs > 1 ? " and " + std::to_string(unknown_idrefs - 1) + " more are" : std::string(" is")) +
        " not in the manifest");
  for (const SpineDoc& d : spine) {
    if (const std::string* alg = encryption_of(zip.names()[d.index]))
      return Result<Book>(ErrorCode::kDrm, "spine item " + zip.names()[d.index] + " is encrypted with " + *alg +
                                               " (META-INF/encryption.xml)");
  }
  // Encryption of anything else (fonts aside) loses only what no one counts:
  // video, audio, images, or documents outside the reading order.
  std::vector<std::string> unreadable;
  for (const auto& [name, alg] : encrypted)
    if (!is_font_obfuscation(alg)) unreadable.push_back(name);
  std::sort(unreadable.begin(), unreadable.end());
  if (!unreadable.empty())
    warnings.add(std::to_string(unreadable.size()) + " encrypted resource" +
                 (unreadable.size() == 1 ? " is" : "s are") + " not read: " + list_names(unreadable));

  // Navigation: EPUB 3 nav first, NCX as the fallback (or for EPUB 2).
  // Encrypted navigation is unreadable: left out, the book has no titles.
  auto readable_nav = [&](const std::string& nav_path, const char* what) -> std::optional<size_t> {
    auto idx = locate.find(nav_path);
    if (!idx) {
      warnings.add(std::string(what) + " " + nav_path + " is not in the archive");
      return std::nullopt;
    }
    if (encryption_of(zip.names()[*idx])) return std::nullopt;  // listed in the warning above
    return idx;
  };
  Navigation nav;
  if (!pkg.nav_path.empty()) {
    if (auto idx = readable_nav(pkg.nav_path, "navigation document")) {
      Result<std::string> raw = zip.read(*idx);
      if (!raw) return raw.status();
      Result<std::string> utf8 = decode_to_utf8(std::move(*raw), pkg.nav_path);
      if (utf8)
        nav = parse_nav(*utf8, pkg.nav_path);
      else
        warnings.add(utf8.status().message());
    }
  }
  if (nav.toc.empty() && !pkg.ncx_path.empty()) {
    if (auto idx = readable_nav(pkg.ncx_path, "NCX")) {
      Result<std::string> raw = zip.read(*idx);
      if (!raw) return raw.status();
      Result<std::string> utf8 = decode_to_utf8(std::move(*raw), pkg.ncx_path);
      if (utf8) {
        Result<std::vector<NavEntry>> toc = parse_ncx(*utf8, pkg.ncx_path);
        if (toc)
          nav.toc = std::move(*toc);
        else
          warnings.add("NCX ignored: " + toc.status().message());
      } else {
        warnings.add(utf8.status().message());
      }
    }
  }
  // Titles are keyed by the archive's own spelling of the name, so a TOC
  // href that differs only in case or normalization still finds its chapter.
  std::unordered_map<std::string, std::string> titles;  // first TOC entry per file
  for (const NavEntry& e : nav.toc) {
    auto idx = locate.find(e.href);
    if (!idx) {
      warnings.add("TOC entry \"" + e.label + "\" points at " + e.href + ", which is not in the archive");
      continue;
    }
    titles.emplace(zip.names()[*idx], e.label);
  }
  std::unordered_map<std::string, std::string> landmark_types;
  for (const NavEntry& e : nav.landmarks) landmark_types.emplace(locate.name_of(e.href), e.label);
  std::unordered_map<std::string, std::string> guide_types;
  for (const GuideRef& g : pkg.guide) guide_types.emplace(locate.name_of(g.href), g.type);
  // A value from one of the maps above for a spine item: by the document
  // read, else by the spine's own (foreign) item.
  auto lookup = [&](const std::unordered_map<std::string, std::string>& m, const SpineDoc& d) -> const std::string* {
    if (auto it = m.find(zip.names()[d.index]); it != m.end()) return &it->second;
    if (d.content != d.item) {
      if (auto it = m.find(locate.name_of(d.item->href)); it != m.end()) return &it->second;
    }
    return nullptr;
  };

  std::vector<std::optional<ChapterKind>> marks;
  uint64_t total_text = 0;
  size_t picture_pages = 0;  // spine items with images and no text
  for (const SpineDoc& d : spine) {
    const ManifestItem& content = *d.content;
    Chapter ch;
    ch.index = static_cast<int>(book.chapters.size());
    ch.href = zip.names()[d.index];
    ch.linear = d.ref->linear;
    std::optional<ChapterKind> mark;
    ChapterKind k;
    if (const std::string* lt = lookup(landmark_types, d); lt && kind_from_types(*lt, k)) mark = k;
    if (const std::string* t = lookup(titles, d)) ch.title = *t;

    if (is_text_media_type(content.media_type)) {
      // One document buffer per thread, reused across chapters and books:
      // page faults on fresh multi-megabyte buffers cost more than
      // inflating them (bench/RESULTS.md, "Pipeline").
      thread_local std::string doc;
      if (Status s = zip.read_into(d.index, doc); !s) return s;
      if (Status s = decode_in_place(doc, ch.href); !s) return s;
      HtmlText extracted = extract_html_text(doc);
      if (doc.capacity() > (64u << 20)) std::string().swap(doc);
      ch.text = std::move(extracted.text);
      // The TOC's label wins; a document it does not name is known by its
      // first heading rather than by its archive path.
      if (ch.title.empty()) ch.title = std::move(extracted.first_heading);
      trim_blank_lines(ch.text);
      if (ch.text.empty() && extracted.images > 0) ++picture_pages;
      if (!mark && kind_from_types(extracted.body_epub_type, k)) mark = k;
      if (!mark && kind_from_types(extracted.first_section_epub_type, k)) mark = k;
    } else if (is_raster_image_type(content.media_type)) {
      ++picture_pages;  // no per-item warning: the book-level one below says it
    } else {
      warnings.add("spine item " + ch.href + " has media type " + content.media_type + "; no text extracted");
    }
    if (!mark) {
      if (const std::string* g = lookup(guide_types, d); g && kind_from_types(*g, k)) mark = k;
    }
    marks.push_back(mark);
    total_text += ch.text.size();
    if (total_text > options.max_entry_bytes)
      return Result<Book>(ErrorCode::kTooLarge, "extracted text exceeds " + std::to_string(options.max_entry_bytes) +
                                                    " bytes at spine item " + ch.href);
    if (options.take_chapter_text) {
      options.take_chapter_text(std::move(ch.text));
      ch.text.clear();
    }
    book.chapters.push_back(std::move(ch));
  }
  assign_kinds(book.chapters, marks);
  if (total_text == 0) {
    // Comics, picture books and fixed-layout scans are books without text,
    // counted as such (zero words and tokens). A spine that is empty,
    // unreadable or only blank pages is not a book we can count.
    if (book.chapters.empty())
      return Result<Book>(ErrorCode::kEmptyBook,
                          pkg.spine.empty() ? "the spine lists no items" : "no spine item is in the manifest");
    if (picture_pages == 0)
      return Result<Book>(ErrorCode::kEmptyBook,
                          "no text and no images in " + std::to_string(book.chapters.size()) + " spine item(s)");
    std::string w = "no text: " + std::to_string(picture_pages) +
                    (picture_pages == 1 ? " spine item is an image" : " spine items are images");
    if (picture_pages < book.chapters.size())
      w += ", " + std::to_string(book.chapters.size() - picture_pages) + " blank or unreadable";
    warnings.add(std::move(w));
  }
  book.warnings = warnings.take();
  return book;
}

std::string book_text(const Book& book) {
  // Empty chapters (image-only pages, blank separators) are skipped, so the
  // output never holds more than one blank line between chapters.
  size_t total = 0;
  for (const Chapter& c : book.chapters) total += c.text.size() + kChapterSeparator.size();
  std::string out;
  out.reserve(total);
  for (const Chapter& c : book.chapters) {
    if (c.text.empty()) continue;
    if (!out.empty()) out.append(kChapterSeparator);
    out.append(c.text);
  }
  return out;
}

}  // namespace epubtok::epub
