#include "epub/charset.h"

#include <unicode/ucnv.h>
#include <unicode/ustring.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "core/utf8.h"
#include "epub/html_tokenizer.h"

namespace epubtok::epub {
namespace {

using html::ascii_lower;
using html::is_space;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_space(s.front()) || s.front() == '"' || s.front() == '\'')) s.remove_prefix(1);
  while (!s.empty() && (is_space(s.back()) || s.back() == '"' || s.back() == '\'' || s.back() == ';'))
    s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = ascii_lower(c);
  return r;
}

// Case-insensitive find of an ASCII needle.
size_t ifind(std::string_view hay, std::string_view needle, size_t from = 0) {
  if (needle.size() > hay.size()) return std::string_view::npos;
  for (size_t i = from; i + needle.size() <= hay.size(); ++i)
    if (html::iequals(hay.substr(i, needle.size()), needle)) return i;
  return std::string_view::npos;
}

std::string charset_from_content(std::string_view content) {
  size_t p = ifind(content, "charset");
  if (p == std::string_view::npos) return {};
  p += 7;
  while (p < content.size() && is_space(content[p])) ++p;
  if (p >= content.size() || content[p] != '=') return {};
  ++p;
  size_t e = p;
  while (e < content.size() && content[e] != ';') ++e;
  return std::string(trim(content.substr(p, e - p)));
}

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};

// Label → name handed to ICU, or "" for UTF-8 (no conversion needed).
std::string canonical_label(std::string_view label) {
  std::string l = lower(label);
  if (l == "utf-8" || l == "utf8" || l == "unicode-1-1-utf-8" || l == "x-unicode20utf8") return "";
  // An ASCII-compatible document cannot really be UTF-16 (we read its label
  // in ASCII); browsers treat this as UTF-8 too.
  if (l == "utf-16" || l == "utf-16le" || l == "utf-16be" || l == "unicode" || l == "ucs-2") return "";
  static constexpr std::string_view kLatin1[] = {
      "iso-8859-1",   "iso8859-1", "iso_8859-1", "latin1",          "latin-1",       "l1",
      "ascii",        "us-ascii",  "iso-ir-100", "cp819",           "ibm819",        "csisolatin1",
      "windows-1252", "cp1252",    "x-cp1252",   "iso_8859-1:1987", "ansi_x3.4-1968"};
  if (std::find(std::begin(kLatin1), std::end(kLatin1), l) != std::end(kLatin1)) return "windows-1252";
  static constexpr std::string_view kGbk[] = {"gb2312",   "gbk",       "x-gbk", "gb_2312-80",  "gb_2312", "chinese",
                                              "csgb2312", "iso-ir-58", "cp936", "windows-936", "euc-cn",  "gb18030"};
  if (std::find(std::begin(kGbk), std::end(kGbk), l) != std::end(kGbk)) return "GB18030";
  static constexpr std::string_view kSjis[] = {"shift_jis",   "shift-jis",  "sjis",  "ms_kanji", "x-sjis",
                                               "windows-31j", "csshiftjis", "ms932", "cp932"};
  if (std::find(std::begin(kSjis), std::end(kSjis), l) != std::end(kSjis)) return "windows-31j";
  static constexpr std::string_view kBig5[] = {"big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"};
  if (std::find(std::begin(kBig5), std::end(kBig5), l) != std::end(kBig5)) return "windows-950";
  return l;
}

Result<std::string> convert_with_icu(std::string_view bytes, const std::string& icu_name, std::string_view label,
                                     std::string_view doc_name) {
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<UConverter, ConverterCloser> conv(ucnv_open(icu_name.c_str(), &err));
  if (U_FAILURE(err) || !conv) {
    return Result<std::string>(ErrorCode::kUnknownEncoding,
                               "unknown encoding \"" + std::string(label) + "\" in " + std::string(doc_name));
  }
  // Preflight then convert; documents in legacy encodings are a small
  // minority, so the double pass costs little and keeps this simple.
  err = U_ZERO_ERROR;
  int32_t n16 = ucnv_toUChars(conv.get(), nullptr, 0, bytes.data(), static_cast<int32_t>(bytes.size()), &err);
  if (err != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(err)) {
    return Result<std::string>(ErrorCode::kUnknownEncoding, "cannot decode " + std::string(doc_name) + " as \"" +
                                                                std::string(label) + "\": " + u_errorName(err));
  }
  std::u16string u16(static_cast<size_t>(n16), u'\0');
  err = U_ZERO_ERROR;
  ucnv_reset(conv.get());
  ucnv_toUChars(conv.get(), reinterpret_cast<UChar*>(u16.data()), n16 + 1, bytes.data(),
                static_cast<int32_t>(bytes.size()), &err);
  if (U_FAILURE(err) && err != U_STRING_NOT_TERMINATED_WARNING) {
    return Result<std::string>(ErrorCode::kUnknownEncoding,
                               "cannot decode " + std::string(doc_name) + ": " + u_errorName(err));
  }
  if (!u16.empty() && u16[0] == 0xFEFF) u16.erase(0, 1);
  int32_t n8 = 0;
  err = U_ZERO_ERROR;
  u_strToUTF8WithSub(nullptr, 0, &n8, reinterpret_cast<const UChar*>(u16.data()), static_cast<int32_t>(u16.size()),
                     0xFFFD, nullptr, &err);
  std::string out(static_cast<size_t>(n8), '\0');
  err = U_ZERO_ERROR;
  u_strToUTF8WithSub(out.data(), n8 + 1, &n8, reinterpret_cast<const UChar*>(u16.data()),
                     static_cast<int32_t>(u16.size()), 0xFFFD, nullptr, &err);
  return out;
}

}  // namespace

std::string sniff_encoding(std::string_view b) {
  if (b.size() >= 3 && b.compare(0, 3, "\xEF\xBB\xBF") == 0) return "UTF-8";
  if (b.size() >= 2 && static_cast<unsigned char>(b[0]) == 0xFF && static_cast<unsigned char>(b[1]) == 0xFE)
    return "UTF-16LE";
  if (b.size() >= 2 && static_cast<unsigned char>(b[0]) == 0xFE && static_cast<unsigned char>(b[1]) == 0xFF)
    return "UTF-16BE";
  if (b.size() >= 4 && b.compare(0, 4, std::string_view("<\0?\0", 4)) == 0) return "UTF-16LE";
  if (b.size() >= 4 && b.compare(0, 4, std::string_view("\0<\0?", 4)) == 0) return "UTF-16BE";
  std::string_view head = b.substr(0, 8192);
  size_t s = 0;
  while (s < head.size() && is_space(head[s])) ++s;
  if (head.compare(s, 5, "<?xml") == 0) {
    size_t end = head.find("?>", s);
    std::string_view decl = head.substr(s + 5, end == std::string_view::npos ? std::string_view::npos : end - s - 5);
    std::string_view v;
    if (html::find_attr(decl, "encoding", v)) return std::string(trim(v));
  }
  for (size_t p = ifind(head, "<meta"); p != std::string_view::npos; p = ifind(head, "<meta", p + 5)) {
    size_t gt = head.find('>', p);
    if (gt == std::string_view::npos) break;
    std::string_view attrs = head.substr(p + 5, gt - p - 5);
    std::string_view v;
    if (html::find_attr(attrs, "charset", v)) return std::string(trim(v));
    std::string_view equiv, content;
    if (html::find_attr(attrs, "http-equiv", equiv) && html::iequals(trim(equiv), "content-type") &&
        html::find_attr(attrs, "content", content)) {
      std::string cs = charset_from_content(content);
      if (!cs.empty()) return cs;
    }
  }
  return {};
}

Status decode_in_place(std::string& doc, std::string_view doc_name) {
  std::string_view bytes = doc;
  std::string label = sniff_encoding(bytes);
  std::string lower_label = lower(label);
  auto replace_with = [&](Result<std::string> converted) -> Status {
    if (!converted) return converted.status();
    doc = std::move(*converted);
    return Status::ok();
  };
  // BOM- or NUL-pattern-detected UTF-16 really is UTF-16.
  bool utf16_bytes = bytes.size() >= 2 &&
                     ((static_cast<unsigned char>(bytes[0]) == 0xFF && static_cast<unsigned char>(bytes[1]) == 0xFE) ||
                      (static_cast<unsigned char>(bytes[0]) == 0xFE && static_cast<unsigned char>(bytes[1]) == 0xFF) ||
                      bytes[0] == '\0' || bytes[1] == '\0');
  if (utf16_bytes && (lower_label == "utf-16le" || lower_label == "utf-16be")) {
    return replace_with(convert_with_icu(bytes, label, label, doc_name));
  }
  bool bom = bytes.size() >= 3 && bytes.compare(0, 3, "\xEF\xBB\xBF") == 0;
  if (bom) bytes.remove_prefix(3);
  if (label.empty()) {
    if (is_valid_utf8(bytes)) {
      if (bom) doc.erase(0, 3);
      return Status::ok();
    }
    return replace_with(convert_with_icu(bytes, "windows-1252", "windows-1252 (undeclared)", doc_name));
  }
  std::string icu_name = canonical_label(label);
  if (icu_name.empty()) {
    if (is_valid_utf8(bytes)) {
      if (bom) doc.erase(0, 3);
      return Status::ok();
    }
    doc = repair_utf8(bytes);
    return Status::ok();
  }
  return replace_with(convert_with_icu(bytes, icu_name, label, doc_name));
}

Result<std::string> decode_to_utf8(std::string owned, std::string_view doc_name) {
  if (Status s = decode_in_place(owned, doc_name); !s) return s;
  return owned;
}

// core/utf8's validator and sanitizer: the rules the tokenizers apply to
// the text this module hands them.
bool is_valid_utf8(std::string_view s) { return epubtok::is_valid_utf8(s); }

std::string repair_utf8(std::string_view s) { return sanitize_utf8(s); }

}  // namespace epubtok::epub
