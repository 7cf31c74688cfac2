#include "tokenizers/hf/normalizers.h"

#include <algorithm>
#include <array>
#include <cstring>

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uniset.h>
#include <unicode/unistr.h>

#include <vector>

#include "tokenizers/hf/json_util.h"
#include "tokenizers/hf/precompiled.h"
#include "tokenizers/hf/regex.h"
#include "tokenizers/hf/unicode.h"

namespace epubtok::tokenizers::hf {
namespace json = boost::json;
namespace {

bool is_ascii(const std::string& s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

enum class Form { kNfc, kNfd, kNfkc, kNfkd };

// The reference normalizes with unicode-normalization-alignments 0.1.12,
// whose data is Unicode 9.0: to it a character assigned later has no
// decomposition and combining class 0. ICU's forms restricted to the
// characters assigned by 9.0 (FilteredNormalizer2 over [:age=9.0:], which
// leaves the others alone and normalizes the text between them) give its
// results exactly: probing it on every code point, alone and beside marks
// of classes 1, 220 and 230, matched (probe_hf_reference.mjs), where
// unfiltered ICU 72 differs on 135 code points (U+11938's decomposition,
// 134 compatibility mappings, and the classes of 108 later marks).
const icu::UnicodeSet& unicode9_assigned() {
  static const icu::UnicodeSet* set = [] {
    UErrorCode err = U_ZERO_ERROR;
    auto* s = new icu::UnicodeSet(icu::UnicodeString(u"[:age=9.0:]"), err);
    if (U_FAILURE(err)) fail(ErrorCode::kInternal, "ICU has no Age property");
    s->freeze();
    return s;
  }();
  return *set;
}

const icu::Normalizer2* icu_normalizer(Form form) {
  static const std::array<const icu::Normalizer2*, 4> forms = [] {
    UErrorCode err = U_ZERO_ERROR;
    const icu::Normalizer2* base[4] = {icu::Normalizer2::getNFCInstance(err), icu::Normalizer2::getNFDInstance(err),
                                       icu::Normalizer2::getNFKCInstance(err), icu::Normalizer2::getNFKDInstance(err)};
    if (U_FAILURE(err)) fail(ErrorCode::kInternal, "ICU normalizer unavailable");
    std::array<const icu::Normalizer2*, 4> out{};
    for (size_t k = 0; k < 4; ++k) out[k] = new icu::FilteredNormalizer2(*base[k], unicode9_assigned());
    return out;
  }();
  return forms[static_cast<size_t>(form)];
}

void unicode_normalize(const icu::Normalizer2* n, std::string& s) {
  if (is_ascii(s)) return;  // ASCII is invariant under all four forms
  UErrorCode err = U_ZERO_ERROR;
  if (n->isNormalizedUTF8(s, err) && U_SUCCESS(err)) return;
  err = U_ZERO_ERROR;
  std::string out;
  out.reserve(s.size());
  icu::StringByteSink<std::string> sink(&out);
  n->normalizeUTF8(0, s, sink, nullptr, err);
  if (U_SUCCESS(err)) s.swap(out);
}

class UnicodeNormalizer final : public Normalizer {
 public:
  explicit UnicodeNormalizer(Form form)
      : n_(icu_normalizer(form)),
        qc_(form == Form::kNfc    ? UCHAR_NFC_QUICK_CHECK
            : form == Form::kNfd  ? UCHAR_NFD_QUICK_CHECK
            : form == Form::kNfkc ? UCHAR_NFKC_QUICK_CHECK
                                  : UCHAR_NFKD_QUICK_CHECK),
        bmp_(0x10000) {
    // UAX #15's quick check, precomputed for the BMP: per code point its
    // canonical combining class, or kNotYes when its quick-check value is
    // not Yes. Why: every input is checked, and a table lookup per
    // character is a few instructions where ICU's isNormalizedUTF8 costs
    // far more.
    for (UChar32 c = 0; c < 0x10000; ++c) bmp_[size_t(c)] = quick_check_entry(c);
  }
  void normalize(std::string& s, bool* head_dropped = nullptr) const override {
    if (!already_normalized(s)) unicode_normalize(n_, s);
  }
  bool is_unchanged(std::string_view s) const override { return already_normalized(s); }
  // ' ' and '\n' have quick check Yes, class 0 and a boundary before them
  // in all four forms, so the form of a + b is that of a followed by that
  // of b. `last` stays the last character of a's form when it is itself in
  // the form (quick check Yes, class 0) and nothing before it can combine
  // with it (a boundary before it).
  bool keeps_cut_before_space(char32_t last) const override {
    if (last > 0x10FFFF || (last >= 0xD800 && last <= 0xDFFF)) return false;
    return n_->hasBoundaryBefore(' ') && n_->hasBoundaryBefore('\n') && quick_check_entry(UChar32(last)) == 0 &&
           n_->hasBoundaryBefore(UChar32(last));
  }

 private:
  static constexpr uint8_t kNotYes = 0xFF;  // combining classes stop at 240
  uint8_t quick_check_entry(UChar32 c) const {
    if (!unicode9_assigned().contains(c)) return 0;  // left alone: see icu_normalizer
    if (u_getIntPropertyValue(c, qc_) != UNORM_YES) return kNotYes;
    return uint8_t(u_getCombiningClass(c));
  }
  // UAX #15 "Detecting Normalization Forms": the text is in the form when
  // every character's quick-check value is Yes and no non-zero combining
  // class follows a greater one. A "no" here only sends the text to ICU,
  // which decides exactly; a "yes" is exact by the definition of the
  // quick-check property.
  bool already_normalized(std::string_view s) const {
    const size_t n = s.size();
    uint8_t last_ccc = 0;
    for (size_t i = 0; i < n;) {
      // ASCII: quick check Yes, class 0, in all four forms. Tested first
      // byte-wise: in Cyrillic, Arabic or CJK text the next character is
      // usually non-ASCII again, and the 16-byte scan would find nothing.
      if (static_cast<unsigned char>(s[i]) < 0x80) {
        i = first_non_ascii(s, i + 1);
        if (i >= n) return true;
        last_ccc = 0;
      }
      size_t len;
      const char32_t cp = decode_valid_utf8(s, i, &len);
      const uint8_t ccc = cp < 0x10000 ? bmp_[cp] : quick_check_entry(UChar32(cp));
      if (ccc == kNotYes || (ccc != 0 && last_ccc > ccc)) return false;
      last_ccc = ccc;
      i += len;
    }
    return true;
  }
  const icu::Normalizer2* n_;
  UProperty qc_;
  std::vector<uint8_t> bmp_;  // per BMP code point: combining class, or kNotYes
};

class Lowercase final : public Normalizer {
 public:
  void normalize(std::string& s, bool* head_dropped = nullptr) const override {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
      size_t len;
      char32_t cp = decode_valid_utf8(s, i, &len);
      append_lowercase(cp, out);
      i += len;
    }
    s.swap(out);
  }
};

class Strip final : public Normalizer {
 public:
  Strip(bool left, bool right) : left_(left), right_(right) {}
  void normalize(std::string& s, bool* head_dropped = nullptr) const override {
    size_t b = 0, e = s.size();
    if (left_) {
      while (b < e) {
        size_t len;
        char32_t cp = decode_valid_utf8(s, b, &len);
        if (!(char_class(cp) & kWhiteSpace)) break;
        b += len;
      }
      if (b > 0 && head_dropped) *head_dropped = true;
    }
    if (right_) {
      while (e > b) {
        size_t k = e - 1;
        while ((static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
        size_t len;
        char32_t cp = decode_valid_utf8(s, k, &len);
        if (!(char_class(cp) & kWhiteSpace)) break;
        e = k;
      }
    }
    s = s.substr(b, e - b);
  }

 private:
  bool left_, right_;
};

// Removes combining marks (General_Category M: Mn, Mc and Me, at the
// Unicode version of the reference's is_combining_mark: kCombiningMark);
// does not decompose first (the
// reference pairs it with NFD in a Sequence).
class StripAccents final : public Normalizer {
 public:
  void normalize(std::string& s, bool* head_dropped = nullptr) const override {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
      size_t len;
      char32_t cp = decode_valid_utf8(s, i, &len);
      if (!(char_class(cp) & kCombiningMark)) {
        out.append(s, i, len);
      } else if (i == 0 && head_dropped) {
        *head_dropped = true;
      }
      i += len;
    }
    s.swap(out);
  }
};

class Replace final : public Normalizer {
 public:
  Replace(std::unique_ptr<Matcher> matcher, std::string content, int single_byte)
      : matcher_(std::move(matcher)), content_(std::move(content)), single_byte_(single_byte) {}
  void normalize(std::string& s, bool* head_dropped = nullptr) const override {
    if (single_byte_ >= 0) {
      // Common SentencePiece case (" " → "▁"): one pass, no span list.
      if (s.find(char(single_byte_)) == std::string::npos) return;
      if (!s.empty() && s[0] == char(single_byte_) && content_.empty() && head_dropped) *head_dropped = true;
      // Sized once, then filled through a pointer: appending per character
      // would be most of the SentencePiece presets' normalization.
      const char from = char(single_byte_);
      const size_t hits = size_t(std::count(s.begin(), s.end(), from));
      std::string out(s.size() - hits + hits * content_.size(), '\0');
      char* w = out.data();
      const char* rep = content_.data();
      const size_t rep_len = content_.size();
      if (rep_len == 3) {
        // "▁": a fixed-size copy the compiler turns into two stores.
        for (char c : s) {
          if (c == from) {
            std::memcpy(w, rep, 3);
            w += 3;
          } else {
            *w++ = c;
          }
        }
      } else {
        for (char c : s) {
          if (c == from) {
            for (size_t k = 0; k < rep_len; ++k) w[k] = rep[k];
            w += rep_len;
          } else {
            *w++ = c;
          }
        }
      }
      s.swap(out);
      return;
    }
    std::vector<Span> spans;
    matcher_->find_all(s, spans);
    if (spans.empty()) return;
    std::string out;
    out.reserve(s.size() + spans.size() * content_.size());
    if (spans.front().first == 0 && content_.empty() && head_dropped) *head_dropped = true;
    size_t prev = 0;
    for (auto [b, e] : spans) {
      out.append(s, prev, b - prev);
      out += content_;
      prev = e;
    }
    out.append(s, prev, std::string::npos);
    s.swap(out);
  }
  std::optional<ByteReplace> as_byte_replace() const override {
    if (single_byte_ < 0 || content_.empty() || content_.find(char(single_byte_)) != std::string::npos) {
      return std::nullopt;
    }
    return ByteReplace{"", char(single_byte_), content_};
  }

 private:
  std::unique_ptr<Matcher> matcher_;
  std::string content_;
  int single_byte_;  // the pattern when it is one ASCII byte literal, else -1
};

class Prepend final : public Normalizer {
 public:
  explicit Prepend(std::string prefix) : prefix_(std::move(prefix)) {}
  void normalize(std::string& s, bool* head_dropped = nullptr) const override {
    if (!s.empty()) s.insert(0, prefix_);
  }
  std::optional<ByteReplace> as_byte_replace() const override { return ByteReplace{prefix_, 0, ""}; }

 private:
  std::string prefix_;
};

class BertNormalizer final : public Normalizer {
 public:
  BertNormalizer(bool clean_text, bool chinese, bool strip_accents, bool lowercase)
      : clean_text_(clean_text),
        chinese_(chinese),
        strip_accents_(strip_accents),
        lowercase_(lowercase),
        nfd_(icu_normalizer(Form::kNfd)) {}

  static bool is_chinese(char32_t c) {
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
           (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
  }

  void normalize(std::string& s, bool* head_dropped = nullptr) const override {
    std::string out;
    out.reserve(s.size());
    if (clean_text_ || chinese_) {
      for (size_t i = 0; i < s.size();) {
        size_t len;
        char32_t cp = decode_valid_utf8(s, i, &len);
        uint16_t cls = char_class(cp);
        if (clean_text_) {
          // Controls (category C except \t \n \r) go first, so VT, FF and
          // NEL vanish rather than becoming spaces.
          bool control = cp != '\t' && cp != '\n' && cp != '\r' && (cls & kOther);
          bool ws = cp == '\t' || cp == '\n' || cp == '\r' || (cls & kWhiteSpace);
          if (cp == 0 || cp == 0xFFFD || control) {
            if (i == 0 && head_dropped) *head_dropped = true;
            i += len;
            continue;
          }
          if (ws) {
            out.push_back(' ');
            i += len;
            continue;
          }
        }
        if (chinese_ && is_chinese(cp)) {
          out.push_back(' ');
          out.append(s, i, len);
          out.push_back(' ');
        } else {
          out.append(s, i, len);
        }
        i += len;
      }
      s.swap(out);
    }
    if (strip_accents_) {
      // Unlike the StripAccents normalizer, BERT's drops only nonspacing marks (Mn).
      unicode_normalize(nfd_, s);
      std::string kept;
      kept.reserve(s.size());
      for (size_t i = 0; i < s.size();) {
        size_t len;
        char32_t cp = decode_valid_utf8(s, i, &len);
        if (!(char_class(cp) & kMarkNonspacing)) {
          kept.append(s, i, len);
        } else if (i == 0 && head_dropped) {
          *head_dropped = true;
        }
        i += len;
      }
      s.swap(kept);
    }
    if (lowercase_) Lowercase().normalize(s);
  }

 private:
  bool clean_text_, chinese_, strip_accents_, lowercase_;
  const icu::Normalizer2* nfd_;
};

class SequenceNormalizer final : public Normalizer {
 public:
  explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> parts) : parts_(std::move(parts)) {}
  void normalize(std::string& s, bool* head_dropped = nullptr) const override {
    for (const auto& p : parts_) p->normalize(s, head_dropped);
  }
  // Each part sees what the previous one left, which is `s` itself while
  // every part leaves it unchanged.
  bool is_unchanged(std::string_view s) const override {
    for (const auto& p : parts_)
      if (!p->is_unchanged(s)) return false;
    return true;
  }
  // The parts composed in turn: a part (p, from, to) after what the parts
  // before made, q + r(s), makes p + its replacement of q, then of r(s).
  // That is one ByteReplace while at most one part replaces bytes. A
  // non-empty text stays non-empty throughout (a replacement is never
  // empty), so every prefix applies.
  std::optional<ByteReplace> as_byte_replace() const override {
    ByteReplace out;
    for (const auto& part : parts_) {
      std::optional<ByteReplace> r = part->as_byte_replace();
      if (!r || (!r->to.empty() && !out.to.empty())) return std::nullopt;
      std::string prefix = r->prefix;
      for (char c : out.prefix) prefix += !r->to.empty() && c == r->from ? r->to : std::string(1, c);
      out.prefix = std::move(prefix);
      if (!r->to.empty()) {
        out.from = r->from;
        out.to = std::move(r->to);
      }
    }
    if (!out.to.empty() && out.prefix.find(out.from) != std::string::npos) return std::nullopt;
    return out;
  }
  // By induction over the parts: each keeps the cut and `last` for the next.
  bool keeps_cut_before_space(char32_t last) const override {
    for (const auto& p : parts_)
      if (!p->keeps_cut_before_space(last)) return false;
    return true;
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> parts_;
};

class PrecompiledNormalizer final : public Normalizer {
 public:
  explicit PrecompiledNormalizer(PrecompiledCharsMap map) : map_(std::move(map)) {}
  void normalize(std::string& s, bool* head_dropped = nullptr) const override { s = map_.normalize(s, head_dropped); }

 private:
  PrecompiledCharsMap map_;
};

}  // namespace

std::unique_ptr<Normalizer> make_normalizer(const json::value& v, const std::string& path) {
  if (v.is_null()) return nullptr;
  const json::object& o = need_object(v, path);
  std::string_view type = get_type(o, path);
  if (type == "NFC") return std::make_unique<UnicodeNormalizer>(Form::kNfc);
  if (type == "NFD") return std::make_unique<UnicodeNormalizer>(Form::kNfd);
  if (type == "NFKC") return std::make_unique<UnicodeNormalizer>(Form::kNfkc);
  if (type == "NFKD") return std::make_unique<UnicodeNormalizer>(Form::kNfkd);
  if (type == "Lowercase") return std::make_unique<Lowercase>();
  if (type == "StripAccents") return std::make_unique<StripAccents>();
  if (type == "Strip") {
    return std::make_unique<Strip>(get_bool(o, "strip_left", path, true), get_bool(o, "strip_right", path, true));
  }
  if (type == "Replace") {
    const json::value* pat = o.if_contains("pattern");
    if (!pat) fail_at(path, "missing \"pattern\"");
    int single_byte = -1;
    if (const json::value* lit = pat->is_object() ? pat->get_object().if_contains("String") : nullptr;
        lit && lit->is_string() && lit->get_string().size() == 1 &&
        static_cast<unsigned char>(lit->get_string()[0]) < 0x80) {
      single_byte = static_cast<unsigned char>(lit->get_string()[0]);
    }
    return std::make_unique<Replace>(make_pattern(*pat, path + ".pattern"), get_string(o, "content", path),
                                     single_byte);
  }
  if (type == "Prepend") return std::make_unique<Prepend>(get_string(o, "prepend", path));
  if (type == "BertNormalizer") {
    bool lowercase = get_bool(o, "lowercase", path, true);
    bool strip = has_non_null(o, "strip_accents") ? get_bool(o, "strip_accents", path, lowercase) : lowercase;
    return std::make_unique<BertNormalizer>(get_bool(o, "clean_text", path, true),
                                            get_bool(o, "handle_chinese_chars", path, true), strip, lowercase);
  }
  if (type == "Precompiled") {
    std::string b64 = get_string(o, "precompiled_charsmap", path);
    return std::make_unique<PrecompiledNormalizer>(
        PrecompiledCharsMap::from_base64(b64, path + ".precompiled_charsmap"));
  }
  if (type == "Sequence") {
    const json::value* list = o.if_contains("normalizers");
    if (!list) fail_at(path, "missing \"normalizers\"");
    const json::array& arr = need_array(*list, path + ".normalizers");
    std::vector<std::unique_ptr<Normalizer>> parts;
    for (size_t i = 0; i < arr.size(); ++i) {
      auto n = make_normalizer(arr[i], path + ".normalizers[" + std::to_string(i) + "]");
      if (n) parts.push_back(std::move(n));
    }
    return std::make_unique<SequenceNormalizer>(std::move(parts));
  }
  fail_unsupported(path + ".type", "normalizer", type);
}

}  // namespace epubtok::tokenizers::hf
