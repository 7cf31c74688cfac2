// A streaming tokenizer for XHTML and tag-soup HTML (internal to epub/).
//
// Why hand-written instead of a DOM (pugixml) or an HTML5 parser (gumbo):
// - one pass must handle both well-formed XHTML and EPUB 2 tag soup. An XML
//   parser rejects the soup; an HTML5 parser ignores XHTML's `<x/>`
//   self-closing syntax and then swallows the rest of a chapter after
//   `<script/>` or `<title/>`. Here `/>` is always honoured, and raw-text
//   elements (script, style, …) are only entered when not self-closed;
// - speed: text extraction sits on the counting hot path. The tokenizer never allocates: tag names are lowercased into
//   a small fixed buffer, attributes are handed out as one raw span that the
//   consumer searches only for the few attributes it cares about.
//
// The visitor is a template parameter so the calls inline. It must provide:
//   void text(std::string_view raw);        // character data, entities NOT decoded
//   void cdata(std::string_view literal);    // <![CDATA[…]]> content, literal
//   void start_tag(std::string_view name, std::string_view attrs, bool self_closing);
//   void end_tag(std::string_view name);
//   void raw_text(std::string_view name, std::string_view content);  // script/style/… body
// Names are ASCII-lowercased with any namespace prefix ("svg:", "m:") removed.
#pragma once

#include <cstring>
#include <string_view>

namespace epubtok::epub::html {

inline bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f'; }
inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

// Finds attribute `name` in the raw attribute span of a start tag, matching
// names case-insensitively. A `name` without a prefix also matches a
// prefixed attribute ("href" finds "xlink:href"); a prefixed `name` must
// match exactly ("epub:type"). Returns true and sets `value` (raw: quotes
// removed, entities not decoded; empty for a bare attribute) when found.
inline bool find_attr(std::string_view attrs, std::string_view name, std::string_view& value) {
  size_t i = 0, n = attrs.size();
  while (i < n) {
    while (i < n && (is_space(attrs[i]) || attrs[i] == '/')) ++i;
    size_t name_start = i;
    while (i < n && !is_space(attrs[i]) && attrs[i] != '=' && attrs[i] != '>' && !(attrs[i] == '/' && i > name_start))
      ++i;
    std::string_view attr_name = attrs.substr(name_start, i - name_start);
    if (attr_name.empty()) {
      ++i;
      continue;
    }
    while (i < n && is_space(attrs[i])) ++i;
    std::string_view v;
    if (i < n && attrs[i] == '=') {
      ++i;
      while (i < n && is_space(attrs[i])) ++i;
      if (i < n && (attrs[i] == '"' || attrs[i] == '\'')) {
        char q = attrs[i++];
        size_t vs = i;
        while (i < n && attrs[i] != q) ++i;
        v = attrs.substr(vs, i - vs);
        if (i < n) ++i;
      } else {
        size_t vs = i;
        while (i < n && !is_space(attrs[i])) ++i;
        v = attrs.substr(vs, i - vs);
      }
    }
    bool match = iequals(attr_name, name);
    if (!match && name.find(':') == std::string_view::npos) {
      size_t colon = attr_name.rfind(':');
      if (colon != std::string_view::npos) match = iequals(attr_name.substr(colon + 1), name);
    }
    if (match) {
      value = v;
      return true;
    }
  }
  return false;
}

namespace detail {

// Lowercases the tag name at s[i…] into buf (without namespace prefix); sets
// `end` to the first byte after the name.
inline std::string_view read_name(std::string_view s, size_t i, char* buf, size_t cap, size_t& end) {
  size_t len = 0;
  size_t j = i;
  while (j < s.size() && !is_space(s[j]) && s[j] != '/' && s[j] != '>') {
    char c = ascii_lower(s[j]);
    if (c == ':') {
      len = 0;  // drop the prefix: "svg:text" → "text"
    } else if (len < cap) {
      buf[len++] = c;
    }
    ++j;
  }
  end = j;
  return std::string_view(buf, len);
}

inline bool is_raw_text_element(std::string_view name) {
  return name == "script" || name == "style" || name == "title" || name == "textarea" || name == "xmp" ||
         name == "iframe" || name == "noembed" || name == "noframes";
}

// Case-insensitive search for "</name" in s from `from`; npos if absent.
inline size_t find_end_tag(std::string_view s, size_t from, std::string_view name) {
  while (true) {
    const void* p = from < s.size() ? std::memchr(s.data() + from, '<', s.size() - from) : nullptr;
    if (!p) return std::string_view::npos;
    size_t lt = static_cast<const char*>(p) - s.data();
    if (lt + 2 + name.size() <= s.size() && s[lt + 1] == '/' && iequals(s.substr(lt + 2, name.size()), name)) {
      size_t after = lt + 2 + name.size();
      if (after == s.size() || is_space(s[after]) || s[after] == '>' || s[after] == '/') return lt;
    }
    from = lt + 1;
  }
}

}  // namespace detail

template <typename Visitor>
void tokenize(std::string_view s, Visitor& v) {
  constexpr size_t kNameCap = 64;
  char name_buf[kNameCap];
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const void* p = std::memchr(s.data() + i, '<', n - i);
    size_t lt = p ? static_cast<size_t>(static_cast<const char*>(p) - s.data()) : n;
    if (lt > i) v.text(s.substr(i, lt - i));
    if (lt >= n) return;
    i = lt;
    if (i + 1 >= n) {
      v.text(s.substr(i, 1));
      return;
    }
    char c = s[i + 1];
    if (c == '!') {
      if (s.compare(i, 4, "<!--") == 0) {
        size_t e = s.find("-->", i + 4);
        i = (e == std::string_view::npos) ? n : e + 3;
      } else if (s.compare(i, 9, "<![CDATA[") == 0) {
        size_t e = s.find("]]>", i + 9);
        size_t stop = (e == std::string_view::npos) ? n : e;
        v.cdata(s.substr(i + 9, stop - i - 9));
        i = (e == std::string_view::npos) ? n : e + 3;
      } else {  // doctype or bogus comment
        size_t e = s.find('>', i + 2);
        // An XHTML doctype may carry an internal subset with entity
        // declarations: <!DOCTYPE html [ <!ENTITY x "y"> ]>.
        // The '[' is looked for only before that first '>': searching the
        // whole rest of the document for each "<!x>" would be quadratic.
        size_t bracket = e == std::string_view::npos ? e : s.substr(0, e).find('[', i + 2);
        if (bracket != std::string_view::npos &&
            html::iequals(s.substr(i + 2, std::min<size_t>(7, n - i - 2)), "doctype")) {
          size_t close = s.find(']', bracket);
          e = close == std::string_view::npos ? std::string_view::npos : s.find('>', close);
        }
        i = (e == std::string_view::npos) ? n : e + 1;
      }
    } else if (c == '?') {  // XML declaration / processing instruction
      size_t e = s.find('>', i + 2);
      i = (e == std::string_view::npos) ? n : e + 1;
    } else if (c == '/') {
      if (i + 2 < n && is_alpha(s[i + 2])) {
        size_t end;
        std::string_view name = detail::read_name(s, i + 2, name_buf, kNameCap, end);
        size_t e = s.find('>', end);
        v.end_tag(name);
        i = (e == std::string_view::npos) ? n : e + 1;
      } else {  // "</>" or "</3": ignored up to '>' as browsers do
        size_t e = s.find('>', i + 2);
        i = (e == std::string_view::npos) ? n : e + 1;
      }
    } else if (is_alpha(c)) {
      size_t end;
      std::string_view name = detail::read_name(s, i + 1, name_buf, kNameCap, end);
      // Scan attributes to the closing '>', skipping quoted values (a '>'
      // inside a quoted value does not end the tag).
      size_t j = end;
      while (j < n && s[j] != '>') {
        char d = s[j];
        if (d == '=') {
          ++j;
          while (j < n && is_space(s[j])) ++j;
          if (j < n && (s[j] == '"' || s[j] == '\'')) {
            const void* q = std::memchr(s.data() + j + 1, s[j], n - j - 1);
            j = q ? static_cast<size_t>(static_cast<const char*>(q) - s.data()) + 1 : n;
          }
          continue;
        }
        ++j;
      }
      if (j >= n) return;  // unterminated tag at end of document: dropped
      bool self_closing = j > end && s[j - 1] == '/';
      std::string_view attrs = s.substr(end, j - end - (self_closing ? 1 : 0));
      v.start_tag(name, attrs, self_closing);
      i = j + 1;
      if (!self_closing && detail::is_raw_text_element(name)) {
        size_t e = detail::find_end_tag(s, i, name);
        size_t stop = (e == std::string_view::npos) ? n : e;
        v.raw_text(name, s.substr(i, stop - i));
        if (e == std::string_view::npos) return;
        size_t gt = s.find('>', e);
        v.end_tag(name);
        i = (gt == std::string_view::npos) ? n : gt + 1;
      }
    } else {  // a lone '<' is text ("a < b" in tag soup)
      v.text(s.substr(i, 1));
      i += 1;
    }
  }
}

}  // namespace epubtok::epub::html
