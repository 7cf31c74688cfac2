// XHTML / HTML / SVG content document → plain text.
#pragma once

#include <string>
#include <string_view>

namespace epubtok::epub {

struct HtmlText {
  // The visible text. Block elements (p, div, h1-h6, li, td, br, …) start new
  // lines; inline elements don't; white space collapses as in a browser's
  // normal flow, except inside pre/listing/textarea where lines are kept.
  // No leading or trailing white space, no blank lines outside pre.
  std::string text;
  // The epub:type attribute of <body>, and of the first <section>, as
  // written (space-separated tokens); empty when absent.
  std::string body_epub_type;
  std::string first_section_epub_type;
  // The text of the first visible h1–h6 on one line (white space collapsed),
  // at most 200 bytes cut at a character; empty when the document has none.
  // Chapters the TOC does not name take this as their title.
  std::string first_heading;
  // Images shown (<img>, SVG <image>) outside hidden or skipped elements: a
  // page with images and no text is a picture page, not an empty one.
  size_t images = 0;
};

// Extracts the text of a content document given as UTF-8 (callers convert
// other encodings first, see charset.h; invalid UTF-8 is passed through).
// Works on well-formed XHTML and on tag soup alike; never fails.
// Dropped: head, script, style, template, title, ruby annotations (rt, rp;
// the ruby base text is kept), MathML annotation/annotation-xml, and in SVG
// everything except text/tspan/textPath (and foreignObject content).
// Entities: the full HTML5 named set and numeric references are decoded.
// Thread-safe (pure function).
HtmlText extract_html_text(std::string_view utf8);

}  // namespace epubtok::epub
