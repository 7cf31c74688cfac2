#include "tokenizers/hf/regex.h"

#include <unicode/uchar.h>
#include <unicode/uniset.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

#include "tokenizers/hf/json_util.h"
#include "tokenizers/hf/scanners.h"
#include "tokenizers/hf/unicode.h"
#include "tokenizers/pretok/pcre2_pattern.h"

namespace epubtok::tokenizers::hf {

namespace {

// Appends ranges as PCRE2 class items, leaving out the surrogates (PCRE2
// rejects them in UTF mode; no text holds them).
void append_ranges(const CodePointRange* r, size_t n, std::string& out) {
  const auto item = [&out](char32_t lo, char32_t hi) {
    char buf[40];
    if (lo == hi) {
      std::snprintf(buf, sizeof buf, "\\x{%X}", unsigned(lo));
    } else {
      std::snprintf(buf, sizeof buf, "\\x{%X}-\\x{%X}", unsigned(lo), unsigned(hi));
    }
    out += buf;
  };
  for (size_t i = 0; i < n; ++i) {
    if (r[i].first < 0xD800) item(r[i].first, std::min<char32_t>(r[i].last, 0xD7FF));
    if (r[i].last > 0xDFFF) item(std::max<char32_t>(r[i].first, 0xE000), r[i].last);
  }
}

// The complement of sorted ranges within U+0000..U+10FFFF.
std::vector<CodePointRange> complement(CodePointRanges r) {
  std::vector<CodePointRange> out;
  char32_t next = 0;
  for (size_t i = 0; i < r.size; ++i) {
    if (r.data[i].first > next) out.push_back({next, r.data[i].first - 1});
    next = r.data[i].last + 1;
  }
  if (next <= 0x10FFFF) out.push_back({next, 0x10FFFF});
  return out;
}

// The Unicode 16.0 ranges (Oniguruma's version, see char_class.h) of
// property `name` (e.g. "L", "Letter", "Han", "Hani", "Alphabetic"), or
// {nullptr, 0}. A script's alias is resolved to its long name through ICU.
CodePointRanges property_ranges(const std::string& name) {
  CodePointRanges r = unicode16_property(name);
  if (r.size != 0) return r;
  const int32_t script = u_getPropertyValueEnum(UCHAR_SCRIPT, name.c_str());
  if (script == UCHAR_INVALID_CODE) return r;
  const char* long_name = u_getPropertyValueName(UCHAR_SCRIPT, script, U_LONG_PROPERTY_NAME);
  return long_name ? unicode16_property(long_name) : r;
}

// The code point ranges of a Unicode property ICU knows but the generated
// table does not hold (e.g. "Emoji"), as PCRE2 class items; empty when ICU
// does not know the name either. These follow ICU's Unicode version, not
// Oniguruma's.
std::string icu_property_ranges(const std::string& name) {
  UErrorCode err = U_ZERO_ERROR;
  icu::UnicodeSet set(icu::UnicodeString::fromUTF8("[\\p{" + name + "}]"), err);
  if (U_FAILURE(err)) return "";
  std::vector<CodePointRange> ranges;
  ranges.reserve(size_t(set.getRangeCount()));
  for (int32_t i = 0; i < set.getRangeCount(); ++i) {
    ranges.push_back({char32_t(set.getRangeStart(i)), char32_t(set.getRangeEnd(i))});
  }
  std::string out;
  append_ranges(ranges.data(), ranges.size(), out);
  return out;
}

// PCRE2 class items for \p{name} (negated: \P{name}); empty when the name
// is unknown.
std::string class_items(const std::string& name, bool negated) {
  std::string out;
  const CodePointRanges r = property_ranges(name);
  if (r.size != 0) {
    if (negated) {
      const std::vector<CodePointRange> c = complement(r);
      append_ranges(c.data(), c.size(), out);
    } else {
      append_ranges(r.data, r.size, out);
    }
    return out;
  }
  if (negated) return "";  // left to PCRE2
  return icu_property_ranges(name);
}

}  // namespace

std::string translate_oniguruma(std::string_view p) {
  // Oniguruma's \s is the White_Space property, spelled out here: PCRE2's
  // UCP \s lacks U+0085 and wrongly includes U+180E.
  // Oniguruma's \w (as measured against the reference) is Alphabetic, Mark,
  // Decimal_Number, Connector_Punctuation and, on its own (not inside a
  // bracket class), ²³¹¼½¾ from its Latin-1 table; PCRE2's UCP \w is
  // \p{L}\p{N}_. Its \d is Decimal_Number, its \h an ASCII hex digit
  // (PCRE2's \h is horizontal space). All at Oniguruma's Unicode version,
  // from the generated table (PCRE2 10.42's own tables are Unicode 14.0).
  // Inside a class, \S, \W, \D and \H are their sets' complements.
  static constexpr std::string_view kSpaceIn =
      R"(\t\n\x{0B}\f\r\x{20}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000})";
  static constexpr std::string_view kHexIn = "0-9A-Fa-f";
  static const std::string kWordIn = class_items("@onigword", false);
  static const std::string kWordInClass = class_items("@onigwordinclass", false);
  static const std::string kNotWordInClass = class_items("@onigwordinclass", true);
  static const std::string kNotSpaceInClass = class_items("White_Space", true);
  static const std::string kDigitIn = class_items("Nd", false);
  static const std::string kNotDigitInClass = class_items("Nd", true);
  static const std::string kNotHexInClass = [] {
    const CodePointRange hex[] = {{'0', '9'}, {'A', 'F'}, {'a', 'f'}};
    const std::vector<CodePointRange> c = complement({hex, std::size(hex)});
    std::string items;
    append_ranges(c.data(), c.size(), items);
    return items;
  }();
  std::string out;
  bool in_class = false;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      char e = p[i + 1];
      ++i;
      if (e == 's') {
        out += in_class ? std::string(kSpaceIn) : "[" + std::string(kSpaceIn) + "]";
      } else if (e == 'S') {
        out += in_class ? kNotSpaceInClass : "[^" + std::string(kSpaceIn) + "]";
      } else if (e == 'w') {
        out += in_class ? kWordInClass : "[" + kWordIn + "]";
      } else if (e == 'W') {
        out += in_class ? kNotWordInClass : "[^" + kWordIn + "]";
      } else if (e == 'd') {
        out += in_class ? kDigitIn : "[" + kDigitIn + "]";
      } else if (e == 'D') {
        out += in_class ? kNotDigitInClass : "[^" + kDigitIn + "]";
      } else if (e == 'h') {
        out += in_class ? std::string(kHexIn) : "[" + std::string(kHexIn) + "]";
      } else if (e == 'H') {
        out += in_class ? kNotHexInClass : "[^" + std::string(kHexIn) + "]";
      } else if ((e == 'p' || e == 'P') && i + 1 < p.size() && p[i + 1] == '{' &&
                 p.find('}', i + 1) != std::string_view::npos) {
        size_t close = p.find('}', i + 1);
        std::string name(p.substr(i + 2, close - i - 2));
        bool negated = e == 'P';
        if (!name.empty() && name[0] == '^') {
          negated = !negated;
          name.erase(0, 1);
        }
        // Inside a class a negated property is its complement's items;
        // outside, a negated class of the property's items.
        std::string ranges = class_items(name, negated && in_class);
        if (ranges.empty()) {
          out += p.substr(i - 1, close - i + 2);  // leave it to PCRE2
        } else if (in_class) {
          out += ranges;
        } else {
          out += (negated ? "[^" : "[") + ranges + "]";
        }
        i = close;
      } else {
        out += c;
        out += e;
      }
      continue;
    }
    if (!in_class && c == '[') {
      in_class = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal.
      if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
      if (i + 1 < p.size() && p[i + 1] == ']') out += p[++i];
      continue;
    }
    if (in_class && c == ']') in_class = false;
    out += c;
  }
  return out;
}

namespace {

using detail::DeepSeekFusedScanner;
using detail::EmittingMatcher;
using detail::Gpt4StyleScanner;

class Pcre2Matcher final : public Matcher {
 public:
  Pcre2Matcher(const std::string& pattern, const std::string& path) : pattern_(pattern) {
    Result<std::unique_ptr<const pretok::Pcre2Pattern>> compiled =
        pretok::Pcre2Pattern::compile(translate_oniguruma(pattern));
    if (!compiled) fail_at(path, compiled.status().message());
    compiled_ = std::move(*compiled);
  }

  void find_all(std::string_view s, std::vector<Span>& out) const override { compiled_->find_all(s, out); }

  MatcherKind kind() const override { return MatcherKind::kPcre2; }
  std::string describe() const override { return "pcre2:" + pattern_; }

 private:
  std::string pattern_;
  std::unique_ptr<const pretok::Pcre2Pattern> compiled_;
};

class LiteralMatcher final : public Matcher {
 public:
  explicit LiteralMatcher(std::string literal) : literal_(std::move(literal)) {}
  void find_all(std::string_view s, std::vector<Span>& out) const override {
    if (literal_.empty()) return;
    size_t pos = 0;
    while ((pos = s.find(literal_, pos)) != std::string_view::npos) {
      out.emplace_back(pos, pos + literal_.size());
      pos += literal_.size();
    }
  }
  MatcherKind kind() const override { return MatcherKind::kLiteral; }
  std::string_view literal() const override { return literal_; }
  std::string describe() const override { return "literal:" + literal_; }

 private:
  std::string literal_;
};

// A scanner given as "match at i" (end offset, or i when nothing matches
// there; the search then moves on one character), as Oniguruma's search does.
class FunctionScanner final : public EmittingMatcher<FunctionScanner> {
 public:
  using MatchAt = size_t (*)(std::string_view, size_t);
  FunctionScanner(MatchAt match_at, MatcherKind kind, const char* name)
      : match_at_(match_at), kind_(kind), name_(name) {}
  MatcherKind kind() const override { return kind_; }
  std::string describe() const override { return std::string("scanner:") + name_; }

 private:
  friend class EmittingMatcher<FunctionScanner>;
  template <typename Emit>
  void run(std::string_view s, Emit&& emit) const {
    for (size_t i = 0; i < s.size();) {
      const size_t e = match_at_(s, i);
      if (e > i) {
        emit(i, e);
        i = e;
      } else {
        i += utf8_len(static_cast<unsigned char>(s[i]));
      }
    }
  }

  MatchAt match_at_;
  MatcherKind kind_;
  const char* name_;
};

// A scanner for patterns of the form "one run of class C, at most `max_run`
// characters" (DeepSeek's \p{N}{1,3} and its CJK/kana run): most text has
// no C at all, so the search skips ahead byte-wise instead of calling a
// match function at every character as FunctionScanner does.
//   InClass(std::string_view s, size_t i, size_t* len) -> bool: whether the
//     character at i is in C (storing its length);
//   MayStart(unsigned char byte) -> bool: false only for bytes that cannot
//     begin a character of C.
//   MayStartWord(uint64_t eight_bytes) -> bool: false only when none of the
//     eight bytes passes MayStart (lets ASCII text be skipped a word at a time).
template <typename InClass, typename MayStart, typename MayStartWord>
class RunScanner final : public EmittingMatcher<RunScanner<InClass, MayStart, MayStartWord>> {
 public:
  RunScanner(InClass in_class, MayStart may_start, MayStartWord may_start_word, size_t max_run, MatcherKind kind,
             const char* name)
      : in_class_(in_class),
        may_start_(may_start),
        may_start_word_(may_start_word),
        max_run_(max_run),
        kind_(kind),
        name_(name) {}

  MatcherKind kind() const override { return kind_; }
  std::string describe() const override { return std::string("scanner:") + name_; }

 private:
  friend class EmittingMatcher<RunScanner>;
  template <typename Emit>
  void run(std::string_view s, Emit&& emit) const {
    const size_t n = s.size();
    size_t i = 0;
    while (i < n) {
      if (i + 8 <= n) {
        uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        if (!may_start_word_(w)) {
          i += 8;
          continue;
        }
      }
      unsigned char b = static_cast<unsigned char>(s[i]);
      if (!may_start_(b)) {
        // Continuation bytes never pass may_start_ for the classes used
        // here, so skipping byte by byte stays on character boundaries.
        ++i;
        continue;
      }
      size_t len;
      if (!in_class_(s, i, &len)) {
        i += len;
        continue;
      }
      size_t j = i + len, k = 1;
      while (j < n && (max_run_ == 0 || k < max_run_) && may_start_(static_cast<unsigned char>(s[j])) &&
             in_class_(s, j, &len)) {
        j += len;
        ++k;
      }
      emit(i, j);
      i = j;
    }
  }
  InClass in_class_;
  MayStart may_start_;
  MayStartWord may_start_word_;
  size_t max_run_;  // 0: unbounded
  MatcherKind kind_;
  const char* name_;
};

template <typename InClass, typename MayStart, typename MayStartWord>
std::unique_ptr<Matcher> make_run_scanner(InClass in_class, MayStart may_start, MayStartWord may_start_word,
                                          size_t max_run, MatcherKind kind, const char* name) {
  return std::make_unique<RunScanner<InClass, MayStart, MayStartWord>>(in_class, may_start, may_start_word, max_run,
                                                                       kind, name);
}

}  // namespace

std::vector<Span> isolated_chain_pieces(std::string_view s, const std::vector<const Matcher*>& chain) {
  std::vector<Span> pieces;
  if (!s.empty()) pieces.emplace_back(0, s.size());
  for (const Matcher* m : chain) {
    std::vector<Span> next;
    for (auto [b, e] : pieces) {
      std::vector<Span> found;
      m->find_all(s.substr(b, e - b), found);
      size_t prev = 0;
      for (auto [mb, me] : found) {
        if (mb > prev) next.emplace_back(b + prev, b + mb);
        next.emplace_back(b + mb, b + me);
        prev = me;
      }
      if (b + prev < e) next.emplace_back(b + prev, e);
    }
    pieces.swap(next);
  }
  return pieces;
}

std::unique_ptr<Matcher> make_fused_chain(const std::vector<const Matcher*>& chain) {
  if (chain.size() == 3 && chain[0]->kind() == MatcherKind::kDeepSeekDigits &&
      chain[1]->kind() == MatcherKind::kDeepSeekCjk && chain[2]->kind() == MatcherKind::kDeepSeekMain) {
    return std::make_unique<DeepSeekFusedScanner>();
  }
  return nullptr;
}

std::unique_ptr<Matcher> make_pcre2_matcher(const std::string& pattern, const std::string& path) {
  return std::make_unique<Pcre2Matcher>(pattern, path);
}

std::unique_ptr<Matcher> make_literal_matcher(std::string literal) {
  return std::make_unique<LiteralMatcher>(std::move(literal));
}

std::unique_ptr<Matcher> make_regex_matcher(const std::string& pattern, const std::string& path, bool allow_scanner) {
  if (allow_scanner) {
    if (pattern == kLlama3Pattern) return std::make_unique<Gpt4StyleScanner>(3);
    if (pattern == kQwenPattern) return std::make_unique<Gpt4StyleScanner>(1);
    if (pattern == kGpt2Pattern) return std::make_unique<detail::Gpt2Scanner>();
    if (pattern == kDeepSeekDigitsPattern) {
      // \p{N}: the ASCII digits, or a non-ASCII number (lead byte >= 0xC2).
      return make_run_scanner([](std::string_view t, size_t i,
                                 size_t* len) { return (char_class(decode_valid_utf8(t, i, len)) & kNumber) != 0; },
                              [](unsigned char b) { return (b >= '0' && b <= '9') || b >= 0xC2; },
                              any_digit_or_non_ascii, 3, MatcherKind::kDeepSeekDigits, "deepseek-digits");
    }
    if (pattern == kDeepSeekCjkPattern) {
      // U+3040-U+30FF and U+4E00-U+9FA5 are three-byte characters with
      // lead bytes E3 to E9.
      return make_run_scanner(
          [](std::string_view t, size_t i, size_t* len) {
            char32_t c = decode_valid_utf8(t, i, len);
            return (c >= 0x4E00 && c <= 0x9FA5) || (c >= 0x3040 && c <= 0x30FF);
          },
          [](unsigned char b) { return b >= 0xE3 && b <= 0xE9; },
          [](uint64_t w) { return (w & 0x8080808080808080ULL) != 0; }, 0, MatcherKind::kDeepSeekCjk, "deepseek-cjk");
    }
    if (pattern == kDeepSeekMainPattern)
      return std::make_unique<FunctionScanner>(pretok::detail::deepseek_main_at<kHfUnicode, false>,
                                               MatcherKind::kDeepSeekMain, "deepseek-main");
  }
  return make_pcre2_matcher(pattern, path);
}

// A {"String": s} or {"Regex": r} pattern object.
std::unique_ptr<Matcher> make_pattern(const boost::json::value& v, const std::string& path, bool allow_scanner) {
  const boost::json::object& o = need_object(v, path);
  if (const boost::json::value* s = o.if_contains("String"))
    return make_literal_matcher(std::string(need_string(*s, path + ".String")));
  if (const boost::json::value* r = o.if_contains("Regex"))
    return make_regex_matcher(std::string(need_string(*r, path + ".Regex")), path + ".Regex", allow_scanner);
  fail_at(path, "pattern must be {\"String\": …} or {\"Regex\": …}");
}

}  // namespace epubtok::tokenizers::hf
