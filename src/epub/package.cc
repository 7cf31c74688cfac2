#include "epub/package.h"

#include <pugixml.hpp>

#include <algorithm>
#include <cstring>

#include "epub/html_entities.h"
#include "epub/html_text.h"
#include "epub/html_tokenizer.h"

namespace epubtok::epub {
namespace {

using html::ascii_lower;
using html::is_space;

// Element and attribute names are matched by local name: OPFs in the wild
// write <dc:title>, <opf:package>, <package>, opf:role or role.
std::string_view local(const char* name) {
  std::string_view s(name);
  size_t c = s.rfind(':');
  return c == std::string_view::npos ? s : s.substr(c + 1);
}

bool is(const pugi::xml_node& n, std::string_view local_name) {
  return n.type() == pugi::node_element && local(n.name()) == local_name;
}

// Attribute by local name, e.g. "file-as" finds opf:file-as.
const char* attr(const pugi::xml_node& n, std::string_view local_name) {
  for (pugi::xml_attribute a : n.attributes())
    if (local(a.name()) == local_name) return a.value();
  return "";
}

std::string collapse(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (is_space(c)) {
      space = !out.empty();
    } else {
      if (space) out.push_back(' ');
      space = false;
      out.push_back(c);
    }
  }
  return out;
}

// The text of every descendant of `root`, in document order. A loop, not
// recursion: a hostile OPF can nest elements a million deep.
void gather_text(const pugi::xml_node& root, std::string& out) {
  pugi::xml_node n = root.first_child();
  while (n) {
    if (n.type() == pugi::node_pcdata || n.type() == pugi::node_cdata) out += n.value();
    if (n.type() == pugi::node_element && n.first_child()) {
      n = n.first_child();
      continue;
    }
    while (!n.next_sibling()) {
      n = n.parent();
      if (!n || n == root) return;
    }
    n = n.next_sibling();
  }
}

std::string text_of(const pugi::xml_node& n) {
  std::string s;
  gather_text(n, s);
  return collapse(s);
}

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = ascii_lower(c);
  return r;
}

Status xml_error(const pugi::xml_parse_result& r, const std::string& doc) {
  return Status(ErrorCode::kMalformedXml, doc + ": " + r.description() + " at byte offset " + std::to_string(r.offset));
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = ascii_lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string digits_only(std::string_view v) {
  std::string d;
  for (char c : v) {
    if (c >= '0' && c <= '9')
      d.push_back(c);
    else if (c == 'x' || c == 'X')
      d.push_back('X');
    else if (c == '-' || c == ' ')
      continue;
    else
      return {};
  }
  return d;
}

// Strips a "urn:isbn:" / "isbn:" prefix.
std::string_view isbn_body(std::string_view v) {
  for (std::string_view p : {std::string_view("urn:isbn:"), std::string_view("isbn:")})
    if (v.size() > p.size() && html::iequals(v.substr(0, p.size()), p)) return v.substr(p.size());
  return v;
}

}  // namespace

std::string dir_of(std::string_view path) {
  size_t s = path.rfind('/');
  return s == std::string_view::npos ? std::string() : std::string(path.substr(0, s + 1));
}

std::string_view trim_xml_space(std::string_view id) {
  auto xml_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!id.empty() && xml_space(id.front())) id.remove_prefix(1);
  while (!id.empty() && xml_space(id.back())) id.remove_suffix(1);
  return id;
}

std::string resolve_href(std::string_view base_dir, std::string_view href, bool percent_decode) {
  size_t cut = href.find_first_of("#?");
  if (cut != std::string_view::npos) href = href.substr(0, cut);
  while (!href.empty() && is_space(href.front())) href.remove_prefix(1);
  while (!href.empty() && is_space(href.back())) href.remove_suffix(1);
  // An absolute URL (http:, data:, …) is not in the archive.
  size_t colon = href.find(':');
  size_t slash = href.find('/');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash)) return {};
  std::string decoded;
  decoded.reserve(href.size());
  for (size_t i = 0; i < href.size(); ++i) {
    if (percent_decode && href[i] == '%' && i + 2 < href.size() && hex_value(href[i + 1]) >= 0 &&
        hex_value(href[i + 2]) >= 0) {
      decoded.push_back(static_cast<char>(hex_value(href[i + 1]) * 16 + hex_value(href[i + 2])));
      i += 2;
    } else {
      decoded.push_back(href[i]);
    }
  }
  std::string joined = (!decoded.empty() && decoded[0] == '/') ? decoded.substr(1) : std::string(base_dir) + decoded;
  std::vector<std::string_view> parts;
  std::string_view j(joined);
  size_t start = 0;
  while (start <= j.size()) {
    size_t e = j.find('/', start);
    if (e == std::string_view::npos) e = j.size();
    std::string_view seg = j.substr(start, e - start);
    if (seg == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!seg.empty() && seg != ".") {
      parts.push_back(seg);
    }
    start = e + 1;
  }
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out.push_back('/');
    out.append(parts[i]);
  }
  return out;
}

Result<std::string> parse_container(std::string_view xml) {
  pugi::xml_document doc;
  pugi::xml_parse_result r = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!r) return xml_error(r, "META-INF/container.xml");
  std::string first;
  for (pugi::xpath_node xn : doc.select_nodes("//*[local-name()='rootfile']")) {
    pugi::xml_node n = xn.node();
    std::string path = attr(n, "full-path");
    if (path.empty()) continue;
    std::string mt = lower(attr(n, "media-type"));
    if (mt == "application/oebps-package+xml") return resolve_href("", path);
    if (first.empty()) first = path;
  }
  if (first.empty())
    return Result<std::string>(ErrorCode::kMalformedXml, "META-INF/container.xml names no rootfile full-path");
  return resolve_href("", first);
}

bool is_valid_isbn(std::string_view d) {
  if (d.size() == 10) {
    int sum = 0;
    for (size_t i = 0; i < 10; ++i) {
      int v;
      if (d[i] == 'X' && i == 9)
        v = 10;
      else if (d[i] >= '0' && d[i] <= '9')
        v = d[i] - '0';
      else
        return false;
      sum += v * static_cast<int>(10 - i);
    }
    return sum % 11 == 0;
  }
  if (d.size() == 13) {
    if (d.compare(0, 3, "978") != 0 && d.compare(0, 3, "979") != 0) return false;
    int sum = 0;
    for (size_t i = 0; i < 13; ++i) {
      if (d[i] < '0' || d[i] > '9') return false;
      sum += (d[i] - '0') * ((i % 2) ? 3 : 1);
    }
    return sum % 10 == 0;
  }
  return false;
}

namespace {

// The scheme of a dc:identifier, first match wins: its opf:scheme attribute,
// then the value's URN prefix, then its identifier-type refinement (ONIX
// codelist 5, where 15 and 02 mean ISBN, or a name such as "DOI"), then a
// value whose digits are a valid ISBN. Empty when none applies.
std::string identifier_scheme(const std::string& scheme, const std::string& itype, const std::string& value,
                              std::string_view isbn_digits) {
  if (!scheme.empty()) return lower(scheme) == "isbn" ? "ISBN" : scheme;
  std::string lv = lower(value);
  if (lv.rfind("urn:isbn:", 0) == 0 || lv.rfind("isbn:", 0) == 0) return "ISBN";
  if (lv.rfind("urn:uuid:", 0) == 0) return "UUID";
  if (lv.rfind("urn:doi:", 0) == 0 || lv.rfind("doi:", 0) == 0) return "DOI";
  if (itype == "15" || itype == "02" || lower(itype) == "isbn") return "ISBN";
  if (!itype.empty() && itype.find_first_not_of("0123456789") != std::string::npos) return itype;
  if (is_valid_isbn(isbn_digits)) return "ISBN";
  return {};
}

}  // namespace

bool kind_from_types(std::string_view types, ChapterKind& kind) {
  // EPUB 3 Structural Semantics Vocabulary partitions and division types,
  // and EPUB 2 guide reference types (title-page, text, notes, …).
  static constexpr std::string_view kFront[] = {
      "cover",      "titlepage",    "title-page", "halftitlepage",  "frontmatter", "toc",      "loi",
      "lot",        "preface",      "foreword",   "copyright-page", "dedication",  "epigraph", "imprint",
      "imprimatur", "frontispiece", "landmarks",  "abstract",       "preamble"};
  static constexpr std::string_view kBody[] = {"bodymatter", "chapter", "part", "text", "division", "volume"};
  static constexpr std::string_view kBack[] = {"backmatter", "appendix",      "index",      "glossary", "bibliography",
                                               "colophon",   "afterword",     "endnotes",   "notes",    "rearnotes",
                                               "errata",     "other-credits", "index-group"};
  size_t i = 0;
  while (i < types.size()) {
    while (i < types.size() && is_space(types[i])) ++i;
    size_t s = i;
    while (i < types.size() && !is_space(types[i])) ++i;
    if (s == i) break;
    std::string t = lower(types.substr(s, i - s));
    // Guide types may carry an "other." prefix.
    std::string_view tv = t;
    if (tv.substr(0, 6) == "other.") tv.remove_prefix(6);
    if (std::find(std::begin(kFront), std::end(kFront), tv) != std::end(kFront)) {
      kind = ChapterKind::kFront;
      return true;
    }
    if (std::find(std::begin(kBody), std::end(kBody), tv) != std::end(kBody)) {
      kind = ChapterKind::kBody;
      return true;
    }
    if (std::find(std::begin(kBack), std::end(kBack), tv) != std::end(kBack)) {
      kind = ChapterKind::kBack;
      return true;
    }
  }
  return false;
}

Result<Package> parse_opf(std::string_view xml, const std::string& opf_path) {
  pugi::xml_document doc;
  pugi::xml_parse_result r = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!r) return xml_error(r, opf_path);
  pugi::xml_node pkg;
  for (pugi::xml_node n : doc.children())
    if (is(n, "package")) pkg = n;
  if (!pkg) return Result<Package>(ErrorCode::kMalformedXml, opf_path + ": no <package> root element");
  Package p;
  const std::string base = dir_of(opf_path);
  Metadata& md = p.metadata;
  md.epub_version = attr(pkg, "version");

  pugi::xml_node metadata, manifest, spine, guide;
  for (pugi::xml_node n : pkg.children()) {
    if (is(n, "metadata"))
      metadata = n;
    else if (is(n, "manifest"))
      manifest = n;
    else if (is(n, "spine"))
      spine = n;
    else if (is(n, "guide"))
      guide = n;
  }

  // EPUB 2.0.1 allowed <dc-metadata>/<x-metadata> inside <metadata>; flatten.
  std::vector<pugi::xml_node> meta_nodes;
  for (pugi::xml_node n : metadata.children()) {
    if (is(n, "dc-metadata") || is(n, "x-metadata")) {
      for (pugi::xml_node c : n.children()) meta_nodes.push_back(c);
    } else {
      meta_nodes.push_back(n);
    }
  }
  // EPUB 3 refinements: <meta refines="#id" property="…">value</meta>.
  struct Refine {
    std::string property, value;
  };
  std::unordered_map<std::string, std::vector<Refine>> refines;
  for (const pugi::xml_node& n : meta_nodes) {
    if (!is(n, "meta")) continue;
    std::string_view ref = attr(n, "refines");
    if (ref.empty()) continue;
    if (ref[0] == '#') ref.remove_prefix(1);
    refines[std::string(ref)].push_back({lower(attr(n, "property")), text_of(n)});
  }
  auto refined = [&](const pugi::xml_node& n, std::string_view property) -> std::string {
    std::string_view id = attr(n, "id");
    if (id.empty()) return {};
    auto it = refines.find(std::string(id));
    if (it == refines.end()) return {};
    for (const Refine& rf : it->second)
      if (rf.property == property) return rf.value;
    return {};
  };

  std::string main_title, first_title;
  std::string first_isbn;
  std::string series_from_collection, series_index_from_collection;
  std::string calibre_series, calibre_index;
  for (const pugi::xml_node& n : meta_nodes) {
    if (n.type() != pugi::node_element) continue;
    std::string_view name = local(n.name());
    if (name == "title") {
      std::string t = text_of(n);
      if (first_title.empty()) first_title = t;
      if (main_title.empty() && refined(n, "title-type") == "main") main_title = t;
    } else if (name == "creator") {
      Author a;
      a.name = text_of(n);
      a.file_as = attr(n, "file-as");
      a.role = attr(n, "role");
      if (a.file_as.empty()) a.file_as = refined(n, "file-as");
      if (a.role.empty()) a.role = refined(n, "role");
      if (!a.name.empty()) md.authors.push_back(std::move(a));
    } else if (name == "language") {
      std::string l = text_of(n);
      if (!l.empty()) md.languages.push_back(l);
    } else if (name == "publisher") {
      if (md.publisher.empty()) md.publisher = text_of(n);
    } else if (name == "date") {
      // EPUB 2 may list several events; prefer publication.
      std::string event = lower(attr(n, "event"));
      if (md.date.empty() || event == "publication") md.date = text_of(n);
    } else if (name == "identifier") {
      Identifier id;
      id.value = text_of(n);
      std::string isbn_digits = digits_only(isbn_body(id.value));
      id.scheme = identifier_scheme(attr(n, "scheme"), refined(n, "identifier-type"), id.value, isbn_digits);
      if (id.scheme == "ISBN" && first_isbn.empty() && !isbn_digits.empty()) first_isbn = isbn_digits;
      if (!id.value.empty()) md.identifiers.push_back(std::move(id));
    } else if (name == "subject") {
      std::string s = text_of(n);
      if (!s.empty()) md.subjects.push_back(s);
    } else if (name == "description") {
      if (md.description.empty()) {
        // Descriptions often carry (escaped) HTML; show it as plain text.
        std::string raw;
        gather_text(n, raw);
        md.description = extract_html_text(raw).text;
      }
    } else if (name == "meta") {
      std::string property = lower(attr(n, "property"));
      std::string mname = lower(attr(n, "name"));
      if (property == "belongs-to-collection" && series_from_collection.empty()) {
        std::string type = refined(n, "collection-type");
        if (type.empty() || type == "series") {
          series_from_collection = text_of(n);
          series_index_from_collection = refined(n, "group-position");
        }
      } else if (mname == "calibre:series") {
        calibre_series = collapse(attr(n, "content"));
      } else if (mname == "calibre:series_index") {
        calibre_index = collapse(attr(n, "content"));
      }
    }
  }
  md.title = !main_title.empty() ? main_title : first_title;
  md.isbn = first_isbn;
  if (!series_from_collection.empty()) {
    md.series = series_from_collection;
    md.series_index = series_index_from_collection;
  } else {
    md.series = calibre_series;
    md.series_index = calibre_series.empty() ? std::string() : calibre_index;
  }

  for (pugi::xml_node n : manifest.children()) {
    if (!is(n, "item")) continue;
    ManifestItem it;
    it.id = trim_xml_space(attr(n, "id"));
    it.href = resolve_href(base, attr(n, "href"));
    it.literal_href = resolve_href(base, attr(n, "href"), false);
    it.media_type = lower(trim_xml_space(attr(n, "media-type")));
    it.properties = attr(n, "properties");
    it.fallback = trim_xml_space(attr(n, "fallback"));
    if (p.nav_path.empty() && (" " + it.properties + " ").find(" nav ") != std::string::npos) p.nav_path = it.href;
    p.manifest_by_id.emplace(it.id, p.manifest.size());
    p.manifest.push_back(std::move(it));
  }
  std::string toc_id(trim_xml_space(attr(spine, "toc")));
  if (!toc_id.empty()) {
    if (auto it = p.manifest_by_id.find(toc_id); it != p.manifest_by_id.end()) p.ncx_path = p.manifest[it->second].href;
  }
  if (p.ncx_path.empty()) {
    for (const ManifestItem& it : p.manifest)
      if (it.media_type == "application/x-dtbncx+xml") {
        p.ncx_path = it.href;
        break;
      }
  }
  for (pugi::xml_node n : spine.children()) {
    if (!is(n, "itemref")) continue;
    SpineRef s;
    s.idref = trim_xml_space(attr(n, "idref"));
    s.linear = lower(attr(n, "linear")) != "no";
    p.spine.push_back(std::move(s));
  }
  for (pugi::xml_node n : guide.children()) {
    if (!is(n, "reference")) continue;
    p.guide.push_back({lower(attr(n, "type")), resolve_href(base, attr(n, "href"))});
  }
  return p;
}

namespace {

bool has_token(std::string_view list, std::string_view token) {
  size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && is_space(list[i])) ++i;
    size_t s = i;
    while (i < list.size() && !is_space(list[i])) ++i;
    if (i > s && html::iequals(list.substr(s, i - s), token)) return true;
  }
  return false;
}

// Collects <a href> entries inside the toc and landmarks <nav> elements.
class NavVisitor {
 public:
  NavVisitor(Navigation& nav, std::string base) : nav_(nav), base_(std::move(base)) {}

  void text(std::string_view raw) {
    if (in_a_ && skip_ == 0) label_.append(decode_entities(raw));
  }
  void cdata(std::string_view literal) {
    if (in_a_ && skip_ == 0) label_.append(literal);
  }
  void raw_text(std::string_view, std::string_view) {}
  void start_tag(std::string_view name, std::string_view attrs, bool self_closing) {
    std::string_view v;
    if (name == "nav") {
      mode_ = kOther;
      std::string_view type;
      bool has_type = html::find_attr(attrs, "epub:type", type);
      std::string_view role;
      bool has_role = html::find_attr(attrs, "role", role);
      if ((has_type && has_token(type, "toc")) || (has_role && has_token(role, "doc-toc")))
        mode_ = kToc;
      else if (has_type && has_token(type, "landmarks"))
        mode_ = kLandmarks;
    } else if (name == "a" && mode_ != kNone && !self_closing) {
      in_a_ = true;
      label_.clear();
      href_.clear();
      type_.clear();
      if (html::find_attr(attrs, "href", v)) href_ = decode_entities(v);
      if (html::find_attr(attrs, "epub:type", v)) type_.assign(v);
    } else if ((name == "rt" || name == "rp") && !self_closing && in_a_) {
      ++skip_;
    }
  }
  void end_tag(std::string_view name) {
    if (name == "nav") {
      mode_ = kNone;
    } else if (name == "a" && in_a_) {
      in_a_ = false;
      skip_ = 0;
      // An empty href names the nav document itself, not a chapter.
      if (trim_xml_space(href_).empty()) return;
      std::string path = resolve_href(base_, href_);
      if (path.empty()) return;
      if (mode_ == kToc)
        nav_.toc.push_back({path, collapse(label_)});
      else if (mode_ == kLandmarks)
        nav_.landmarks.push_back({path, type_});
    } else if ((name == "rt" || name == "rp") && skip_ > 0) {
      --skip_;
    }
  }

 private:
  enum Mode { kNone, kOther, kToc, kLandmarks };
  Navigation& nav_;
  std::string base_;
  Mode mode_ = kNone;
  bool in_a_ = false;
  int skip_ = 0;
  std::string label_, href_, type_;
};

void add_nav_point(const pugi::xml_node& n, const std::string& base, std::vector<NavEntry>& out) {
  std::string label, src;
  for (pugi::xml_node c : n.children()) {
    if (is(c, "navLabel") && label.empty()) {
      for (pugi::xml_node t : c.children())
        if (is(t, "text")) {
          label = text_of(t);
          break;
        }
    } else if (is(c, "content") && src.empty()) {
      src = attr(c, "src");
    }
  }
  if (trim_xml_space(src).empty()) return;  // no target: nothing to title
  std::string path = resolve_href(base, src);
  if (!path.empty()) out.push_back({path, label});
}

// Every navPoint under `nav_map` (navPoints nest in navPoints), in document
// order. A loop, not recursion: a hostile NCX can nest them a million deep.
void collect_nav_points(const pugi::xml_node& nav_map, const std::string& base, std::vector<NavEntry>& out) {
  pugi::xml_node n = nav_map.first_child();
  while (n) {
    if (is(n, "navPoint")) {
      add_nav_point(n, base, out);
      if (n.first_child()) {
        n = n.first_child();
        continue;
      }
    }
    while (!n.next_sibling()) {
      n = n.parent();
      if (!n || n == nav_map) return;
    }
    n = n.next_sibling();
  }
}

}  // namespace

Navigation parse_nav(std::string_view utf8, const std::string& nav_path) {
  Navigation nav;
  NavVisitor v(nav, dir_of(nav_path));
  html::tokenize(utf8, v);
  return nav;
}

Result<std::vector<NavEntry>> parse_ncx(std::string_view xml, const std::string& ncx_path) {
  pugi::xml_document doc;
  pugi::xml_parse_result r = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!r) return xml_error(r, ncx_path);
  std::vector<NavEntry> out;
  for (pugi::xml_node root : doc.children()) {
    if (!is(root, "ncx")) continue;
    for (pugi::xml_node n : root.children())
      if (is(n, "navMap")) collect_nav_points(n, dir_of(ncx_path), out);
  }
  return out;
}

}  // namespace epubtok::epub
