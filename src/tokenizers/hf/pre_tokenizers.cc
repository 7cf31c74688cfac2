#include "tokenizers/hf/pre_tokenizers.h"

#include <functional>

#include "tokenizers/hf/json_util.h"
#include "tokenizers/hf/regex.h"
#include "tokenizers/hf/unicode.h"

namespace epubtok::tokenizers::hf {
namespace json = boost::json;

void PreTokenizer::split_views(std::string_view, std::vector<std::string_view>&) const {}

void PreTokenizer::pre_tokenize(std::vector<Piece>& pieces) const {
  std::vector<Piece> out;
  std::vector<std::string_view> views;
  for (Piece& p : pieces) {
    views.clear();
    split_views(p.text, views);
    for (std::string_view v : views) {
      out.push_back(Piece{std::string(v), p.at_start && v.data() == p.text.data()});
    }
  }
  pieces.swap(out);
}

char32_t byte_level_char(unsigned char b) {
  static const auto table = [] {
    std::array<char32_t, 256> t{};
    char32_t next = 256;
    for (int c = 0; c < 256; ++c) {
      bool printable = (c >= 33 && c <= 126) || (c >= 161 && c <= 172) || (c >= 174 && c <= 255);
      t[c] = printable ? char32_t(c) : next++;
    }
    return t;
  }();
  return table[b];
}

namespace {

enum class Behavior { kRemoved, kIsolated, kMergedWithPrevious, kMergedWithNext, kContiguous };

Behavior parse_behavior(const json::object& o, const std::string& path, Behavior dflt) {
  if (!has_non_null(o, "behavior")) return dflt;
  std::string b = get_string(o, "behavior", path);
  if (b == "Removed") return Behavior::kRemoved;
  if (b == "Isolated") return Behavior::kIsolated;
  if (b == "MergedWithPrevious") return Behavior::kMergedWithPrevious;
  if (b == "MergedWithNext") return Behavior::kMergedWithNext;
  if (b == "Contiguous") return Behavior::kContiguous;
  fail_unsupported(path + ".behavior", "split behavior", b);
}

struct Part {
  size_t b, e;
  bool is_match;
};

// Cuts s by `matches` under `behavior`, as the reference's
// NormalizedString::split does, and appends the non-empty pieces.
void split_by_matches(std::string_view s, const std::vector<Span>& matches, Behavior behavior, bool invert,
                      std::vector<std::string_view>& out) {
  std::vector<Part> parts;
  parts.reserve(matches.size() * 2 + 1);
  size_t prev = 0;
  for (auto [b, e] : matches) {
    if (b > prev) parts.push_back({prev, b, invert});
    parts.push_back({b, e, !invert});
    prev = e;
  }
  if (prev < s.size()) parts.push_back({prev, s.size(), invert});

  std::vector<Part> merged;
  merged.reserve(parts.size());
  switch (behavior) {
    case Behavior::kRemoved:
      for (const Part& p : parts)
        if (!p.is_match) merged.push_back(p);
      break;
    case Behavior::kIsolated: merged = std::move(parts); break;
    case Behavior::kMergedWithPrevious: {
      bool previous_match = false;
      for (const Part& p : parts) {
        if (p.is_match && !previous_match && !merged.empty()) {
          merged.back().e = p.e;
        } else {
          merged.push_back({p.b, p.e, false});
        }
        previous_match = p.is_match;
      }
      break;
    }
    case Behavior::kMergedWithNext: {
      bool previous_match = false;
      for (size_t k = parts.size(); k-- > 0;) {
        const Part& p = parts[k];
        if (p.is_match && !previous_match && !merged.empty()) {
          merged.back().b = p.b;
        } else {
          merged.push_back({p.b, p.e, false});
        }
        previous_match = p.is_match;
      }
      std::reverse(merged.begin(), merged.end());
      break;
    }
    case Behavior::kContiguous: {
      bool previous_match = false;
      for (const Part& p : parts) {
        if (p.is_match == previous_match && !merged.empty()) {
          merged.back().e = p.e;
        } else {
          merged.push_back({p.b, p.e, false});
        }
        previous_match = p.is_match;
      }
      break;
    }
  }
  for (const Part& p : merged)
    if (p.e > p.b) out.push_back(s.substr(p.b, p.e - p.b));
}

// Each code point satisfying `pred` is one match.
void char_matches(std::string_view s, const std::function<bool(char32_t, uint16_t)>& pred, std::vector<Span>& m) {
  for (size_t i = 0; i < s.size();) {
    size_t len;
    char32_t cp = decode_valid_utf8(s, i, &len);
    if (pred(cp, char_class(cp))) m.emplace_back(i, i + len);
    i += len;
  }
}

// The reference's is_bert_punc: ASCII punctuation (which takes in $+<=>^`|~)
// or is_punctuation at its crate's Unicode version (kCategoriesPunct).
bool is_bert_punct(char32_t cp, uint16_t cls) {
  bool ascii_punct = cp < 0x80 && ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) ||
                                   (cp >= 123 && cp <= 126));
  return ascii_punct || (cls & kCategoriesPunct);
}

class CharSplit final : public PreTokenizer {
 public:
  using Pred = std::function<bool(char32_t, uint16_t)>;
  CharSplit(Pred pred, Behavior behavior) : pred_(std::move(pred)), behavior_(behavior) {}
  bool views_only() const override { return true; }
  void split_views(std::string_view s, std::vector<std::string_view>& out) const override {
    std::vector<Span> m;
    char_matches(s, pred_, m);
    split_by_matches(s, m, behavior_, false, out);
  }

 private:
  Pred pred_;
  Behavior behavior_;
};

class RegexSplit final : public PreTokenizer {
 public:
  RegexSplit(std::unique_ptr<Matcher> matcher, Behavior behavior, bool invert)
      : matcher_(std::move(matcher)), behavior_(behavior), invert_(invert) {}
  bool views_only() const override { return true; }
  const Matcher* isolating_matcher() const override {
    return behavior_ == Behavior::kIsolated && !invert_ ? matcher_.get() : nullptr;
  }
  // A literal holding `c` has no match in such a text, and without a match
  // every behavior keeps the whole text as its one non-match part (invert
  // would make it the one match, which kRemoved drops).
  bool keeps_whole_without(char c) const override {
    return !invert_ && matcher_->kind() == MatcherKind::kLiteral &&
           matcher_->literal().find(c) != std::string_view::npos;
  }
  void split_views(std::string_view s, std::vector<std::string_view>& out) const override {
    if (behavior_ == Behavior::kIsolated && !invert_) {
      // Fast path: the matches are the pieces, with the gaps between them.
      thread_local std::vector<Span> m;
      m.clear();
      matcher_->find_all(s, m);
      size_t prev = 0;
      for (auto [b, e] : m) {
        if (b > prev) out.push_back(s.substr(prev, b - prev));
        out.push_back(s.substr(b, e - b));
        prev = e;
      }
      if (prev < s.size()) out.push_back(s.substr(prev));
      return;
    }
    std::vector<Span> m;
    matcher_->find_all(s, m);
    split_by_matches(s, m, behavior_, invert_, out);
  }

 private:
  std::unique_ptr<Matcher> matcher_;
  Behavior behavior_;
  bool invert_;
};

// Whitespace: the matches of \w+|[^\w\s]+ (Oniguruma classes); the rest is dropped.
class WhitespacePre final : public PreTokenizer {
 public:
  bool views_only() const override { return true; }
  void split_views(std::string_view s, std::vector<std::string_view>& out) const override {
    size_t i = 0;
    while (i < s.size()) {
      size_t len;
      uint16_t cls = char_class(decode_valid_utf8(s, i, &len));
      if (cls & kWhiteSpace) {
        i += len;
        continue;
      }
      bool word = cls & kOnigWord;
      size_t j = i + len;
      while (j < s.size()) {
        uint16_t c2 = char_class(decode_valid_utf8(s, j, &len));
        if ((c2 & kWhiteSpace) || bool(c2 & kOnigWord) != word) break;
        j += len;
      }
      out.push_back(s.substr(i, j - i));
      i = j;
    }
  }
};

class BertPre final : public PreTokenizer {
 public:
  bool views_only() const override { return true; }
  void split_views(std::string_view s, std::vector<std::string_view>& out) const override {
    std::vector<std::string_view> words;
    std::vector<Span> m;
    char_matches(
        s, [](char32_t, uint16_t cls) { return (cls & kWhiteSpace) != 0; }, m);
    split_by_matches(s, m, Behavior::kRemoved, false, words);
    for (std::string_view w : words) {
      m.clear();
      char_matches(w, is_bert_punct, m);
      split_by_matches(w, m, Behavior::kIsolated, false, out);
    }
  }
};

// UnicodeScripts: cuts before each character whose script (unicode_script)
// differs from that of the last non-"Any" character before it. As in the
// reference, characters of script Any never start a piece, so Any
// characters before the first other one are dropped, and a text of only
// Any characters gives no piece at all.
class UnicodeScriptsPre final : public PreTokenizer {
 public:
  bool views_only() const override { return true; }
  void split_views(std::string_view s, std::vector<std::string_view>& out) const override {
    constexpr int kNone = -1;
    int last = kNone;
    size_t start = s.size();  // start of the open piece; none yet
    for (size_t i = 0; i < s.size();) {
      size_t len;
      const int script = unicode_script(decode_valid_utf8(s, i, &len));
      if (script != 0 && script != last) {
        if (start < i) out.push_back(s.substr(start, i - start));
        start = i;
      }
      if (script != 0) last = script;
      i += len;
    }
    if (start < s.size()) out.push_back(s.substr(start));
  }
};

class ByteLevelPre final : public PreTokenizer {
 public:
  ByteLevelPre(bool add_prefix_space, bool use_regex, bool raw, bool use_scanners)
      : add_prefix_space_(add_prefix_space), raw_(raw) {
    if (use_regex) regex_ = make_regex_matcher(kGpt2Pattern, "ByteLevel", use_scanners);
  }
  bool views_only() const override { return raw_ && !add_prefix_space_; }
  bool is_identity() const override { return raw_ && !add_prefix_space_ && !regex_; }
  void split_views(std::string_view s, std::vector<std::string_view>& out) const override {
    if (!regex_) {
      if (!s.empty()) out.push_back(s);
      return;
    }
    std::vector<Span> m;
    regex_->find_all(s, m);
    split_by_matches(s, m, Behavior::kIsolated, false, out);
  }
  void pre_tokenize(std::vector<Piece>& pieces) const override {
    std::vector<Piece> out;
    std::vector<std::string_view> views;
    for (Piece& p : pieces) {
      if (add_prefix_space_ && (p.text.empty() || p.text[0] != ' ')) p.text.insert(0, " ");
      views.clear();
      split_views(p.text, views);
      for (std::string_view v : views) {
        Piece q{raw_ ? std::string(v) : map_bytes(v), false};
        out.push_back(std::move(q));
      }
    }
    pieces.swap(out);
  }

 private:
  static std::string map_bytes(std::string_view v) {
    std::string r;
    r.reserve(v.size() * 2);
    for (unsigned char c : v) append_utf8(r, byte_level_char(c));
    return r;
  }
  bool add_prefix_space_;
  bool raw_;
  std::unique_ptr<Matcher> regex_;
};

class MetaspacePre final : public PreTokenizer {
 public:
  enum class Scheme { kFirst, kAlways, kNever };
  MetaspacePre(std::string replacement, Scheme scheme, bool split)
      : replacement_(std::move(replacement)), scheme_(scheme), split_(split) {}
  bool views_only() const override { return false; }
  void pre_tokenize(std::vector<Piece>& pieces) const override {
    std::vector<Piece> out;
    for (Piece& p : pieces) {
      std::string t;
      t.reserve(p.text.size() + replacement_.size());
      for (char c : p.text) {
        if (c == ' ') {
          t += replacement_;
        } else {
          t += c;
        }
      }
      bool starts = t.compare(0, replacement_.size(), replacement_) == 0;
      if (!starts && (scheme_ == Scheme::kAlways || (scheme_ == Scheme::kFirst && p.at_start))) {
        t.insert(0, replacement_);
      }
      if (!split_) {
        if (!t.empty()) out.push_back(Piece{std::move(t), false});
        continue;
      }
      std::vector<Span> m;
      make_literal_matcher(replacement_)->find_all(t, m);
      std::vector<std::string_view> views;
      split_by_matches(t, m, Behavior::kMergedWithNext, false, views);
      for (std::string_view v : views) out.push_back(Piece{std::string(v), false});
    }
    pieces.swap(out);
  }

 private:
  std::string replacement_;
  Scheme scheme_;
  bool split_;
};

class SequencePre final : public PreTokenizer {
 public:
  explicit SequencePre(std::vector<std::unique_ptr<PreTokenizer>> parts) : parts_(std::move(parts)) {
    views_only_ = true;
    for (const auto& p : parts_) views_only_ = views_only_ && p->views_only();
  }
  bool views_only() const override { return views_only_; }
  bool is_identity() const override {
    for (const auto& p : parts_)
      if (!p->is_identity()) return false;
    return true;
  }
  const Matcher* isolating_matcher() const override {
    const Matcher* found = nullptr;
    for (const auto& p : parts_) {
      if (p->is_identity()) continue;
      if (found) return nullptr;
      found = p->isolating_matcher();
      if (!found) return nullptr;
    }
    return found;
  }
  bool isolating_chain(std::vector<const Matcher*>& out) const override {
    for (const auto& p : parts_) {
      if (p->is_identity()) continue;
      if (!p->isolating_chain(out)) return false;
    }
    return !out.empty();
  }
  void split_views(std::string_view s, std::vector<std::string_view>& out) const override {
    thread_local std::vector<std::string_view> a, b;
    a.clear();
    a.push_back(s);
    for (const auto& p : parts_) {
      b.clear();
      for (std::string_view v : a) p->split_views(v, b);
      a.swap(b);
    }
    out.insert(out.end(), a.begin(), a.end());
  }
  void pre_tokenize(std::vector<Piece>& pieces) const override {
    for (const auto& p : parts_) p->pre_tokenize(pieces);
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> parts_;
  bool views_only_;
};

}  // namespace

bool ends_with_byte_level(const json::value& v) {
  if (!v.is_object()) return false;
  const json::object& o = v.get_object();
  const json::value* t = o.if_contains("type");
  if (!t || !t->is_string()) return false;
  if (t->get_string() == "ByteLevel") return true;
  if (t->get_string() == "Sequence") {
    const json::value* list = o.if_contains("pretokenizers");
    if (!list || !list->is_array() || list->get_array().empty()) return false;
    return ends_with_byte_level(list->get_array().back());
  }
  return false;
}

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const json::value& v, const std::string& path,
                                                 const PreTokenizerOptions& options) {
  if (v.is_null()) return nullptr;
  const json::object& o = need_object(v, path);
  std::string_view type = get_type(o, path);
  if (type == "ByteLevel") {
    return std::make_unique<ByteLevelPre>(get_bool(o, "add_prefix_space", path, true),
                                          get_bool(o, "use_regex", path, true), options.raw_byte_level,
                                          options.use_scanners);
  }
  if (type == "Split") {
    const json::value* pat = o.if_contains("pattern");
    if (!pat) fail_at(path, "missing \"pattern\"");
    if (!has_non_null(o, "behavior")) fail_at(path, "missing \"behavior\"");
    return std::make_unique<RegexSplit>(make_pattern(*pat, path + ".pattern", options.use_scanners),
                                        parse_behavior(o, path, Behavior::kIsolated),
                                        get_bool(o, "invert", path, false));
  }
  if (type == "Metaspace") {
    std::string rep = get_string(o, "replacement", path, "\xE2\x96\x81");
    size_t len;
    if (rep.empty() || !is_valid_utf8(rep) || (decode_valid_utf8(rep, 0, &len), len != rep.size())) {
      fail_at(path + ".replacement", "must be exactly one character");
    }
    MetaspacePre::Scheme scheme = MetaspacePre::Scheme::kAlways;
    if (has_non_null(o, "prepend_scheme")) {
      std::string s = get_string(o, "prepend_scheme", path);
      if (s == "first") {
        scheme = MetaspacePre::Scheme::kFirst;
      } else if (s == "always") {
        scheme = MetaspacePre::Scheme::kAlways;
      } else if (s == "never") {
        scheme = MetaspacePre::Scheme::kNever;
      } else {
        fail_unsupported(path + ".prepend_scheme", "Metaspace prepend_scheme", s);
      }
    } else if (!get_bool(o, "add_prefix_space", path, true)) {
      scheme = MetaspacePre::Scheme::kNever;
    }
    return std::make_unique<MetaspacePre>(rep, scheme, get_bool(o, "split", path, true));
  }
  if (type == "Whitespace") return std::make_unique<WhitespacePre>();
  if (type == "UnicodeScripts") return std::make_unique<UnicodeScriptsPre>();
  if (type == "WhitespaceSplit") {
    return std::make_unique<CharSplit>([](char32_t, uint16_t cls) { return (cls & kWhiteSpace) != 0; },
                                       Behavior::kRemoved);
  }
  if (type == "BertPreTokenizer") return std::make_unique<BertPre>();
  if (type == "Punctuation") {
    return std::make_unique<CharSplit>(is_bert_punct, parse_behavior(o, path, Behavior::kIsolated));
  }
  if (type == "Digits") {
    bool individual = get_bool(o, "individual_digits", path, false);
    return std::make_unique<CharSplit>([](char32_t, uint16_t cls) { return (cls & kNumeric) != 0; },
                                       individual ? Behavior::kIsolated : Behavior::kContiguous);
  }
  if (type == "CharDelimiterSplit") {
    std::string d = get_string(o, "delimiter", path);
    size_t len = 0;
    if (d.empty() || !is_valid_utf8(d) || (decode_valid_utf8(d, 0, &len), len != d.size())) {
      fail_at(path + ".delimiter", "must be exactly one character");
    }
    char32_t delim = decode_valid_utf8(d, 0, &len);
    return std::make_unique<CharSplit>([delim](char32_t cp, uint16_t) { return cp == delim; }, Behavior::kRemoved);
  }
  if (type == "Sequence") {
    const json::value* list = o.if_contains("pretokenizers");
    if (!list) fail_at(path, "missing \"pretokenizers\"");
    const json::array& arr = need_array(*list, path + ".pretokenizers");
    std::vector<std::unique_ptr<PreTokenizer>> parts;
    for (size_t i = 0; i < arr.size(); ++i) {
      PreTokenizerOptions sub = options;
      // Only a ByteLevel that ends the pipeline may keep raw bytes.
      sub.raw_byte_level = options.raw_byte_level && i + 1 == arr.size();
      auto p = make_pre_tokenizer(arr[i], path + ".pretokenizers[" + std::to_string(i) + "]", sub);
      if (p) parts.push_back(std::move(p));
    }
    return std::make_unique<SequencePre>(std::move(parts));
  }
  fail_unsupported(path + ".type", "pre-tokenizer", type);
}

}  // namespace epubtok::tokenizers::hf
