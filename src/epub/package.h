// The EPUB package: container.xml, the OPF (metadata, manifest, spine,
// guide) and the navigation documents (EPUB 3 nav, EPUB 2 NCX). Internal to
// epub/; read_book() ties these together.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "epub/book.h"

namespace epubtok::epub {

// Resolves `href` (as written in an OPF, NCX or nav) against the directory
// `base_dir` of the document it appears in ("" or "OEBPS/"): strips any
// "#fragment" and "?query", percent-decodes (unless `percent_decode` is
// false), and normalises "." and ".." segments. Returns the archive path; ""
// for an absolute URL (scheme:).
std::string resolve_href(std::string_view base_dir, std::string_view href, bool percent_decode = true);

// An XML ID or IDREF value as compared: without leading and trailing XML
// white space (space, tab, CR, LF), as an ID-typed attribute is normalised.
std::string_view trim_xml_space(std::string_view id);

// The directory part of an archive path, with trailing '/', or "".
std::string dir_of(std::string_view path);

// The OPF path named by META-INF/container.xml (first rootfile with the OPF
// media type, else the first rootfile). EPUB_MALFORMED_XML when the XML does
// not parse or names no rootfile.
Result<std::string> parse_container(std::string_view xml);

struct ManifestItem {
  std::string id;            // white space trimmed
  std::string href;          // resolved archive path, percent-decoded
  std::string literal_href;  // resolved archive path as written (no percent-decoding)
  std::string media_type;
  std::string properties;
  std::string fallback;  // id of the manifest fallback item, or ""
};

struct SpineRef {
  std::string idref;  // white space trimmed
  bool linear = true;
};

struct GuideRef {
  std::string type;  // lowercased
  std::string href;  // resolved archive path
};

struct Package {
  Metadata metadata;
  std::vector<ManifestItem> manifest;
  std::unordered_map<std::string, size_t> manifest_by_id;
  std::vector<SpineRef> spine;
  std::vector<GuideRef> guide;
  std::string nav_path;  // manifest item with properties="nav", or ""
  std::string ncx_path;  // spine toc= item or the NCX media type, or ""
};

// Parses the OPF at archive path `opf_path` (used to resolve hrefs and in
// messages). `xml` must be UTF-8. EPUB_MALFORMED_XML on a parse error (the
// message names the document, pugixml's description and the byte offset)
// or when there is no <package>.
Result<Package> parse_opf(std::string_view xml, const std::string& opf_path);

struct NavEntry {
  std::string href;   // resolved archive path (fragment stripped)
  std::string label;  // for the TOC: the entry's text; for landmarks: epub:type
};

struct Navigation {
  std::vector<NavEntry> toc;        // document order, nesting flattened
  std::vector<NavEntry> landmarks;  // EPUB 3 only
};

// The EPUB 3 navigation document (XHTML, read with the same tolerant
// tokenizer as content, so a sloppy nav still yields its entries): the
// <nav epub:type="toc"> and <nav epub:type="landmarks"> lists.
Navigation parse_nav(std::string_view utf8, const std::string& nav_path);

// The EPUB 2 NCX navMap, in document order. EPUB_MALFORMED_XML if it does
// not parse.
Result<std::vector<NavEntry>> parse_ncx(std::string_view xml, const std::string& ncx_path);

// Text → ChapterKind by EPUB structural semantics (epub:type, landmarks) or
// EPUB 2 guide types. `types` may hold several space-separated tokens; the
// first that maps wins. Returns false when none maps.
bool kind_from_types(std::string_view types, ChapterKind& kind);

// True when `digits` (hyphens and spaces removed, "X" allowed last for
// ISBN-10) has a valid ISBN-10 or ISBN-13 check digit.
bool is_valid_isbn(std::string_view digits);

}  // namespace epubtok::epub
