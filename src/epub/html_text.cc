#include "epub/html_text.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <vector>

#include "epub/html_entities.h"
#include "epub/html_tokenizer.h"

namespace epubtok::epub {
namespace {

using html::is_space;

enum TagFlags : uint8_t {
  kBlock = 1,  // starts and ends a line
  kSkip = 2,   // content is not text (head, rt, …)
  kPre = 4,    // white space preserved
  kSvgRoot = 8,
  kSvgText = 16,  // text-bearing SVG element
  kForeign = 32,  // <foreignObject>: XHTML inside SVG
  kKnown = 64,    // no behaviour of its own; listed so `hidden` can be tracked
  kImage = 128,   // an image (counted in HtmlText::images); no text, no line
};

struct TagInfo {
  std::string_view name;
  uint8_t flags;
};

// Sorted by name for binary search. Block elements follow the HTML rendering
// section's display:block/list-item/table-* defaults, plus br/hr (line
// breaks) and option, so that lists and tables never glue words together.
constexpr TagInfo kTags[] = {
    {"address", kBlock},
    {"annotation", kSkip},
    {"annotation-xml", kSkip},
    {"article", kBlock},
    {"aside", kBlock},
    {"blockquote", kBlock},
    {"body", kBlock},
    {"br", kBlock},
    {"caption", kBlock},
    {"center", kBlock},
    {"dd", kBlock},
    {"details", kBlock},
    {"dialog", kBlock},
    {"dir", kBlock},
    {"div", kBlock},
    {"dl", kBlock},
    {"dt", kBlock},
    {"fieldset", kBlock},
    {"figcaption", kBlock},
    {"figure", kBlock},
    {"footer", kBlock},
    {"foreignobject", kForeign | kBlock},
    {"form", kBlock},
    {"frameset", kBlock},
    {"h1", kBlock},
    {"h2", kBlock},
    {"h3", kBlock},
    {"h4", kBlock},
    {"h5", kBlock},
    {"h6", kBlock},
    {"head", kSkip},
    {"header", kBlock},
    {"hgroup", kBlock},
    {"hr", kBlock},
    {"html", kBlock},
    {"image", kImage},
    {"img", kImage},
    {"legend", kBlock},
    {"li", kBlock},
    {"listing", kBlock | kPre},
    {"main", kBlock},
    {"menu", kBlock},
    {"nav", kBlock},
    {"ol", kBlock},
    {"optgroup", kBlock},
    {"option", kBlock},
    {"p", kBlock},
    {"pre", kBlock | kPre},
    {"rp", kSkip},
    {"rt", kSkip},
    {"rtc", kSkip},
    {"section", kBlock},
    {"span", kKnown},
    {"summary", kBlock},
    {"svg", kSvgRoot | kBlock},
    {"table", kBlock},
    {"tbody", kBlock},
    {"td", kBlock},
    {"template", kSkip},
    {"text", kSvgText | kBlock},
    {"textpath", kSvgText},
    {"tfoot", kBlock},
    {"th", kBlock},
    {"thead", kBlock},
    {"tr", kBlock},
    {"tspan", kSvgText},
    {"ul", kBlock},
};

// Byte classes for the flow-text loop: HTML white space, '&', the rest.
enum ByteClass : uint8_t { kPlain = 0, kWs = 1, kAmp = 2 };
constexpr std::array<uint8_t, 256> make_byte_classes() {
  std::array<uint8_t, 256> t{};
  t[' '] = t['\t'] = t['\n'] = t['\r'] = t['\f'] = kWs;
  t['&'] = kAmp;
  return t;
}
constexpr std::array<uint8_t, 256> kByteClass = make_byte_classes();

inline bool is_special(char c) { return static_cast<unsigned char>(c) < 0x21 || c == '&'; }

// Exact per-byte masks (high bit of each byte) for 8 bytes, little-endian.
// Computed without carries between bytes, so every flagged byte is real.
constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Full, kHigh = 0x8080808080808080ull, kOnes = 0x0101010101010101ull;
inline uint64_t zero_bytes(uint64_t v) { return ~(((v & kLow7) + kLow7) | v | kLow7); }

// Bytes that end a flow-text segment: controls below 0x20 (tab, newline,
// CR, FF and the rest), '&', a space followed by another space, and a space
// in the last byte (its successor is in the next word; checked bytewise).
inline uint64_t segment_breaks(uint64_t w) {
  uint64_t below20 = ~(((w & kLow7) + kOnes * (0x80 - 0x20)) | w | kLow7);
  uint64_t amp = zero_bytes(w ^ (kOnes * static_cast<uint8_t>('&')));
  uint64_t space = zero_bytes(w ^ (kOnes * static_cast<uint8_t>(' ')));
  uint64_t double_space = space & (space >> 8);
  return below20 | amp | double_space | (space & 0x8000000000000000ull);
}

uint8_t tag_flags(std::string_view name) {
  auto it = std::lower_bound(std::begin(kTags), std::end(kTags), name,
                             [](const TagInfo& t, std::string_view n) { return t.name < n; });
  return (it != std::end(kTags) && it->name == name) ? it->flags : 0;
}

constexpr bool tags_sorted() {
  for (size_t i = 1; i < std::size(kTags); ++i)
    if (!(kTags[i - 1].name < kTags[i].name)) return false;
  return true;
}
static_assert(tags_sorted(), "kTags must be sorted for binary search");

class TextBuilder {
 public:
  // Text is at most about as long as its markup; reserving that avoids
  // regrowing (and copying) the output on text-dense documents.
  explicit TextBuilder(size_t reserve) { out_.reserve(reserve); }

  void text(std::string_view raw) {
    if (!visible()) return;
    if (pre_depth_ > 0) {
      append_pre(raw, true);
    } else {
      append_flow(raw, true);
    }
  }
  void cdata(std::string_view literal) {
    if (!visible()) return;
    if (pre_depth_ > 0)
      append_pre(literal, false);
    else
      append_flow(literal, false);
  }

  void start_tag(std::string_view name, std::string_view attrs, bool self_closing) {
    if (name == "body") {
      record_epub_type(attrs, body_type_, seen_body_);
      // Tag soup often leaves <head> unclosed; <body> ends it (and anything
      // left open inside it).
      auto head = std::find(skip_.begin(), skip_.end(), std::string_view("head"));
      skip_.erase(head, skip_.end());
    } else if (name == "section" && !seen_section_) {
      record_epub_type(attrs, section_type_, seen_section_);
    }
    uint8_t f = tag_flags(name);
    if (f == 0) return;
    if (f & kImage) {
      // Void in HTML, empty in SVG: never stacked, whether self-closed or not.
      if (skip_.empty()) ++images_;
      return;
    }
    // The HTML `hidden` attribute means display:none (landmarks and
    // page-list navs use it). Only tracked for listed elements, so that a
    // matching end tag is recognised; the substring test keeps the common
    // attribute-less tags off the attribute parser.
    // Inside a hidden/skipped element, listed elements are stacked too, so
    // that a nested </div> does not end an outer hidden <div>.
    if (!skip_.empty() && !self_closing && !(f & kSkip) && name != "br" && name != "hr") {
      skip_.push_back(canonical(name));
      return;
    }
    if (!self_closing && !(f & kSkip) && attrs.size() >= 6 && attrs.find("hidden") != std::string_view::npos) {
      std::string_view v;
      if (html::find_attr(attrs, "hidden", v)) {
        if (f & kBlock) block_break();
        skip_.push_back(canonical(name));
        return;
      }
    }
    if (f & kSkip) {
      // HTML5 implied end tags: <rt>/<rp> close an open rt/rp.
      if ((name == "rt" || name == "rp") && !skip_.empty() && (skip_.back() == "rt" || skip_.back() == "rp"))
        skip_.pop_back();
      if (!self_closing) skip_.push_back(canonical(name));
      return;
    }
    if (f & kBlock) block_break();
    if (self_closing) return;
    if (heading_open_.empty() && first_heading_.empty() && is_heading(name)) {
      heading_open_ = canonical(name);
      heading_start_ = out_.size();
    }
    if (f & kPre) {
      ++pre_depth_;
      skip_leading_newline_ = true;
    }
    if (f & kSvgRoot) ++svg_depth_;
    if ((f & kSvgText) && svg_depth_ > 0) ++svg_text_depth_;
    if ((f & kForeign) && svg_depth_ > 0) ++foreign_depth_;
  }

  void end_tag(std::string_view name) {
    if (name == "ruby") {
      // Closes every annotation left open in this ruby, and whatever tag
      // soup left open inside them.
      auto it = std::find_if(skip_.begin(), skip_.end(),
                             [](std::string_view t) { return t == "rt" || t == "rp" || t == "rtc"; });
      skip_.erase(it, skip_.end());
      return;
    }
    uint8_t f = tag_flags(name);
    if (f == 0 || (f & kImage)) return;
    if (!(f & kSkip) && !skip_.empty()) {
      // Closing a hidden element?
      auto it = std::find(skip_.rbegin(), skip_.rend(), name);
      if (it != skip_.rend()) {
        skip_.erase(std::next(it).base(), skip_.end());
        if (f & kBlock) block_break();
        return;
      }
    }
    if (f & kSkip) {
      // Pop up to and including the matching open element, if any (tag soup
      // may leave inner ones unclosed); an unmatched end tag is ignored.
      auto it = std::find(skip_.rbegin(), skip_.rend(), name);
      if (it != skip_.rend()) skip_.erase(std::next(it).base(), skip_.end());
      return;
    }
    if (!heading_open_.empty() && name == heading_open_) close_heading();
    if (f & kBlock) block_break();
    if ((f & kPre) && pre_depth_ > 0) --pre_depth_;
    if ((f & kSvgRoot) && svg_depth_ > 0) {
      if (--svg_depth_ == 0) svg_text_depth_ = foreign_depth_ = 0;
    }
    if ((f & kSvgText) && svg_text_depth_ > 0) --svg_text_depth_;
    if ((f & kForeign) && foreign_depth_ > 0) --foreign_depth_;
  }

  void raw_text(std::string_view name, std::string_view content) {
    // script/style/title/iframe… are not visible. textarea and xmp are.
    if (!visible()) return;
    if (name == "textarea") {
      block_break();
      ++pre_depth_;
      append_pre(content, true);
      --pre_depth_;
      block_break();
    } else if (name == "xmp") {
      block_break();
      ++pre_depth_;
      append_pre(content, false);
      --pre_depth_;
      block_break();
    }
  }

  HtmlText finish() {
    if (!heading_open_.empty()) close_heading();  // tag soup: never closed
    while (!out_.empty() && is_space(out_.back())) out_.pop_back();
    HtmlText r;
    r.first_heading = std::move(first_heading_);
    r.text = std::move(out_);
    r.body_epub_type = std::move(body_type_);
    r.first_section_epub_type = std::move(section_type_);
    r.images = images_;
    return r;
  }

 private:
  static std::string_view canonical(std::string_view name) {
    // skip_ holds views into static storage, not into the tokenizer's buffer.
    for (const TagInfo& t : kTags)
      if (t.name == name) return t.name;
    return {};
  }

  bool visible() const {
    if (!skip_.empty()) return false;
    if (svg_depth_ > 0 && svg_text_depth_ == 0 && foreign_depth_ == 0) return false;
    return true;
  }

  void block_break() { pending_newline_ = true; }

  static bool is_heading(std::string_view name) {
    return name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6';
  }

  // The text since the open heading began, on one line. A heading with no
  // text (an image) does not count: the next one may still name the chapter.
  void close_heading() {
    heading_open_ = {};
    std::string_view t(out_);
    t.remove_prefix(std::min(heading_start_, t.size()));
    std::string line;
    for (char c : t) {
      if (c == '\n' || c == '\t' || c == '\r') c = ' ';
      if (c == ' ' && (line.empty() || line.back() == ' ')) continue;
      line.push_back(c);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    constexpr size_t kMaxHeading = 200;
    if (line.size() > kMaxHeading) {
      size_t cut = kMaxHeading;
      while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
      line.resize(cut);
    }
    first_heading_ = std::move(line);
  }

  void record_epub_type(std::string_view attrs, std::string& dst, bool& seen) {
    seen = true;
    std::string_view v;
    if (html::find_attr(attrs, "epub:type", v)) dst.assign(v);
  }

  // Emits the separator owed before the next visible character.
  void flush_separator() {
    if (pending_newline_) {
      if (!out_.empty() && out_.back() != '\n') {
        while (!out_.empty() && out_.back() == ' ') out_.pop_back();
        out_.push_back('\n');
      }
      pending_newline_ = pending_space_ = false;
    } else if (pending_space_) {
      if (!out_.empty() && out_.back() != '\n') out_.push_back(' ');
      pending_space_ = false;
    }
  }

  // Normal flow: runs of white space become one space; entities decoded.
  //
  // Performance: this loop sees every byte of book text. Instead of copying
  // word by word, it copies maximal "segments" in one append: runs of
  // ordinary bytes joined by single ' ' characters, which is how nearly all
  // paragraph text looks. Only tabs/newlines, doubled spaces and '&' end a
  // segment. Finding the end of a segment skips 8 bytes at a time (SWAR).
  void append_flow(std::string_view s, bool decode) {
    const char* p = s.data();
    const size_t n = s.size();
    size_t i = 0;
    while (i < n) {
      uint8_t c = kByteClass[static_cast<unsigned char>(p[i])];
      if (c == kWs) {
        pending_space_ = true;
        ++i;
        continue;
      }
      if (c == kAmp && decode) {
        scratch_.clear();
        size_t used = decode_char_ref(s.substr(i), scratch_);
        if (used > 0) {
          append_flow(scratch_, false);  // decode=false never touches scratch_
          i += used;
          continue;
        }
      }
      // p[i] is visible. Extend the segment: skip 8 bytes at a time past
      // ordinary bytes and single spaces, then decide bytewise.
      size_t j = i + 1;
      while (true) {
        while (j + 8 <= n) {
          uint64_t w;
          std::memcpy(&w, p + j, 8);
          if (uint64_t m = segment_breaks(w)) {
            j += static_cast<size_t>(std::countr_zero(m)) >> 3;
            break;
          }
          j += 8;
        }
        if (j + 8 > n) {
          while (j < n && !is_special(p[j])) ++j;
        }
        if (j >= n) break;
        uint8_t d = kByteClass[static_cast<unsigned char>(p[j])];
        if (p[j] == ' ' && j + 1 < n && kByteClass[static_cast<unsigned char>(p[j + 1])] == kPlain) {
          j += 2;  // a single space between words stays in the segment
        } else if (d == kPlain || (d == kAmp && !decode)) {
          ++j;  // a control character or a literal '&'
        } else {
          break;
        }
      }
      // The 8-byte skip may stop just after a single space (before a tab,
      // newline or '&'); that space is left for the loop to collapse.
      if (p[j - 1] == ' ') --j;
      flush_separator();
      out_.append(p + i, j - i);
      i = j;
    }
  }

  // Preformatted: keep every character; CR LF / CR become LF.
  void append_pre(std::string_view s, bool decode) {
    if (pending_newline_ || pending_space_) {
      if (pending_newline_ && !out_.empty() && out_.back() != '\n') out_.push_back('\n');
      pending_newline_ = pending_space_ = false;
    }
    size_t i = 0, n = s.size();
    if (skip_leading_newline_) {
      // HTML drops one newline right after <pre>.
      if (s.compare(0, 2, "\r\n") == 0)
        i = 2;
      else if (n > 0 && (s[0] == '\n' || s[0] == '\r'))
        i = 1;
      if (n > 0) skip_leading_newline_ = false;
    }
    while (i < n) {
      char c = s[i];
      if (c == '\r') {
        out_.push_back('\n');
        i += (i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
      } else if (c == '&' && decode) {
        size_t used = decode_char_ref(s.substr(i), out_);
        if (used == 0) {
          out_.push_back('&');
          used = 1;
        }
        i += used;
      } else {
        out_.push_back(c);
        ++i;
      }
    }
  }

  std::string out_;
  std::string scratch_;
  std::vector<std::string_view> skip_;
  int pre_depth_ = 0;
  int svg_depth_ = 0;
  int svg_text_depth_ = 0;
  int foreign_depth_ = 0;
  bool pending_space_ = false;
  bool pending_newline_ = false;
  bool skip_leading_newline_ = false;
  bool seen_body_ = false;
  bool seen_section_ = false;
  size_t images_ = 0;
  std::string body_type_;
  std::string section_type_;
  // The first heading: its tag while open (static storage), where its text
  // starts in out_, and its text once closed.
  std::string_view heading_open_;
  size_t heading_start_ = 0;
  std::string first_heading_;
};

}  // namespace

HtmlText extract_html_text(std::string_view utf8) {
  TextBuilder b(utf8.size());
  html::tokenize(utf8, b);
  return b.finish();
}

}  // namespace epubtok::epub
