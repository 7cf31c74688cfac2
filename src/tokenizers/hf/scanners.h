// The hand-written scanners of the common pre-tokenizer patterns: the
// Llama 3 / Qwen pattern and DeepSeek V3's three Splits fused into one pass.
// Internal to the engine: regex.cc builds them (make_regex_matcher,
// make_fused_chain) and the tokenizer's count loop runs their `run`
// templates directly, with the piece cache inline, instead of going through
// Matcher's virtual interface and a vector of spans.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/ascii.h"
#include "tokenizers/hf/regex.h"
#include "tokenizers/hf/unicode.h"
#include "tokenizers/pretok/ascii_piece.h"

namespace epubtok::tokenizers::hf::detail {

// The end of the run of ASCII letters starting at s[j] (it stops at any
// other byte, ASCII or not). Eight bytes at a time: words of book text
// average five letters, so one step usually finds the end (measured: the
// byte loop was ~9 instructions per byte of English).
__attribute__((always_inline)) inline size_t ascii_letters_end(std::string_view s, size_t j) {
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  const size_t n = s.size();
  while (j + 8 <= n) {
    uint64_t w;
    std::memcpy(&w, s.data() + j, 8);
    // Per byte, for ASCII bytes (no carries between them): lowercase, then
    // high bit of y + (0x80 - 'a') says y >= 'a', of y + (0x80 - 'z' - 1)
    // says y > 'z'. A non-ASCII byte may carry into the bytes after it,
    // but it is itself a stop, and only the first stop is used.
    const uint64_t y = w | (kOnes * 0x20);
    const uint64_t letter = (y + kOnes * (0x80 - 'a')) & ~(y + kOnes * (0x80 - 'z' - 1)) & kHigh;
    const uint64_t stop = (~letter & kHigh) | (w & kHigh);
    if (stop == 0) {
      j += 8;
      continue;
    }
    return j + (size_t(__builtin_ctzll(stop)) >> 3);
  }
  while (j < n && unsigned((static_cast<unsigned char>(s[j]) | 0x20) - 'a') < 26u) ++j;
  return j;
}

// The hand-written scanners below each have one loop, a member template
// `run(s, emit)` calling emit(begin, end) per match; find_all() and scan()
// are that loop with two emits, inlined, so neither pays for the other.
template <typename Derived>
class EmittingMatcher : public Matcher {
 public:
  void find_all(std::string_view s, std::vector<Span>& out) const final {
    static_cast<const Derived&>(*this).run(s, [&](size_t b, size_t e) { out.emplace_back(b, e); });
  }
  void scan(std::string_view s, SpanSink& sink) const final {
    static_cast<const Derived&>(*this).run(s, [&](size_t b, size_t e) { sink.on_span(b, e); });
  }
};

// Hand-written scanner for the Llama 3 / Qwen pattern (see kLlama3Pattern),
// parameterised by the longest digit run. Written for speed: this is the
// hot loop of every byte-level preset, and the generic PCRE2 path runs it
// several times slower. Every alternative is tried in the pattern's order.
class Gpt4StyleScanner final : public EmittingMatcher<Gpt4StyleScanner> {
 public:
  explicit Gpt4StyleScanner(int max_digits) : max_digits_(max_digits) {
    for (int c = 0; c < 128; ++c) ascii_[c] = char_class(char32_t(c));
    // ASCII bytes that the second alternative, [^\r\n\p{L}\p{N}]?\p{L}+,
    // takes as its optional first character, and that the first one, the
    // contractions, cannot claim first ('\'').
    for (int c = 0; c < 128; ++c) {
      letter_prefix_[c] = !(ascii_[c] & (kLetter | kNumber)) && c != '\r' && c != '\n' && c != '\'';
      ascii_other_[c] = is_other(ascii_[c]);
    }
  }

  bool covers() const override { return true; }
  MatcherKind kind() const override { return max_digits_ == 3 ? MatcherKind::kLlama3 : MatcherKind::kQwen; }
  std::string describe() const override { return max_digits_ == 3 ? "scanner:llama3" : "scanner:qwen"; }

 public:
  // Calls emit(begin, end) for each piece of s in order. The pattern
  // matches at every position, so the pieces tile the text.
  //
  // The ASCII decisions come first from the tiktoken engine's fast path for
  // cl100k_base (pretok/ascii_piece.h), whose pattern is Llama 3's: on the
  // bytes it settles (ASCII, and general punctuation U+2010..U+203F, the
  // same in every Unicode version) both regex engines agree. Qwen differs
  // only in taking one \p{N} at a time, so its ASCII digits are settled
  // before. What it leaves (0) goes to match_at, on this engine's own
  // Unicode tables.
  template <typename Emit>
  void run(std::string_view s, Emit&& emit) const {
    // Two loops rather than a test of max_digits_ per piece (measured: that
    // test cost qwen-3 ~2 instructions per byte).
    if (max_digits_ == 1) {
      run_with<true>(s, emit);
    } else {
      run_with<false>(s, emit);
    }
  }

 private:
  template <bool kSingleDigits, typename Emit>
  void run_with(std::string_view s, Emit& emit) const {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const size_t n = s.size();
    for (size_t i = 0; i < n;) {
      size_t end;
      if (kSingleDigits && unsigned(p[i] - '0') < 10u) {
        end = i + 1;  // \p{N}: no earlier alternative takes a digit
      } else {
        end = pretok::detail::ascii_piece_end<pretok::PatternFamily::kCl100k>(p, n, i);
        if (end == 0) end = match_at(s, i);
      }
      emit(i, end);
      i = end;
    }
  }

  struct Cp {
    char32_t cp;
    size_t len;
    uint16_t cls;
  };
  Cp at(std::string_view s, size_t i) const {
    unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) return {b, 1, ascii_[b]};
    size_t len;
    char32_t cp = decode_utf8(s, i, &len);
    return {cp, len, char_class(cp)};
  }
  static bool is_newline(char32_t c) { return c == '\r' || c == '\n'; }
  static bool is_other(uint16_t cls) { return !(cls & (kLetter | kNumber | kWhiteSpace)); }
  // \p{L} among ASCII is exactly A-Z and a-z.
  static bool is_ascii_letter(unsigned char b) { return unsigned((b | 0x20) - 'a') < 26u; }

  __attribute__((always_inline)) size_t letters_from(std::string_view s, size_t j) const {
    const size_t n = s.size();
    while (j < n) {
      j = ascii_letters_end(s, j);
      if (j >= n) break;
      unsigned char b = static_cast<unsigned char>(s[j]);
      if (b < 0x80) break;  // an ASCII non-letter
      size_t len;
      char32_t cp = decode_utf8(s, j, &len);
      if (!(char_class(cp) & kLetter)) break;
      j += len;
    }
    return j;
  }

  // End of "[^\s\p{L}\p{N}]+[\r\n]*" starting at j (j is an "other").
  size_t others_from(std::string_view s, size_t j) const {
    while (j < s.size()) {
      Cp c = at(s, j);
      if (!is_other(c.cls)) break;
      j += c.len;
    }
    while (j < s.size() && (s[j] == '\r' || s[j] == '\n')) ++j;
    return j;
  }

  // Fast path for the common starts of book text (an ASCII letter; an
  // ASCII space or punctuation mark before a letter; ASCII punctuation, or
  // a space before it, not followed by a letter; ASCII digits; 's, 't, 'm,
  // 'd), deciding exactly as match_general would; everything else goes
  // there. Small and inline, with
  // match_general out of line: when both were one function, saving and
  // restoring the registers the general code needs cost ~4 instructions per
  // byte on the fast path (measured on qwen-3).
  __attribute__((always_inline)) size_t match_at(std::string_view s, size_t i) const {
    const size_t n = s.size();
    const unsigned char b = static_cast<unsigned char>(s[i]);
    if (is_ascii_letter(b)) return letters_from(s, i + 1);
    if (b < 0x80 && letter_prefix_[b]) {
      if (i + 1 < n) {
        const unsigned char b2 = static_cast<unsigned char>(s[i + 1]);
        if (is_ascii_letter(b2)) return letters_from(s, i + 2);
        if (b2 >= 0x80) {
          size_t len;
          char32_t cp = decode_utf8(s, i + 1, &len);
          if (char_class(cp) & kLetter) return letters_from(s, i + 1 + len);
        } else if (b == ' ' && ascii_other_[b2]) {
          return others_from(s, i + 1);  // " ?[^\s\p{L}\p{N}]+[\r\n]*" with its space
        }
      }
      // Not before a letter, and neither a contraction (b is not '\'') nor
      // a number: " ?[^\s\p{L}\p{N}]+[\r\n]*" when b is punctuation.
      if (ascii_other_[b]) return others_from(s, i);
    } else if (unsigned(b - '0') < 10u) {
      // \p{N}{1,max}: decided here unless a non-ASCII character, maybe a
      // number, could extend the run.
      size_t j = i + 1;
      int k = 1;
      while (k < max_digits_ && j < n && unsigned(static_cast<unsigned char>(s[j]) - '0') < 10u) {
        ++j;
        ++k;
      }
      if (k == max_digits_ || j == n || static_cast<unsigned char>(s[j]) < 0x80) return j;
    } else if (b == '\'' && i + 1 < n) {
      // The one-letter contractions; 're, 've, 'll and the rest go on.
      const unsigned char l = static_cast<unsigned char>(s[i + 1]) | 0x20;
      if (l == 's' || l == 't' || l == 'm' || l == 'd') return i + 2;
    }
    return match_general(s, i);
  }

  __attribute__((noinline)) size_t match_general(std::string_view s, size_t i) const {
    size_t n = s.size();
    Cp c = at(s, i);
    // (?i:'s|'t|'re|'ve|'m|'ll|'d)
    if (c.cp == '\'' && i + 1 < n) {
      Cp d = at(s, i + 1);
      char32_t l = d.cp < 0x80 ? (d.cp | 0x20) : d.cp;
      if (l == 's' || l == 't' || l == 'm' || l == 'd' || d.cp == 0x17F /* ſ folds to s */) {
        return i + 1 + d.len;
      }
      if ((l == 'r' || l == 'v' || l == 'l') && i + 2 < n) {
        char32_t e = static_cast<unsigned char>(s[i + 2]) | 0x20;
        if ((l == 'r' && e == 'e') || (l == 'v' && e == 'e') || (l == 'l' && e == 'l')) return i + 3;
      }
    }
    // [^\r\n\p{L}\p{N}]?\p{L}+
    if (c.cls & kLetter) return letters_from(s, i + c.len);
    bool next_is_letter = false;
    Cp d{0, 0, 0};
    if (i + c.len < n) {
      d = at(s, i + c.len);
      next_is_letter = d.cls & kLetter;
    }
    if (!(c.cls & kNumber) && !is_newline(c.cp) && next_is_letter) {
      return letters_from(s, i + c.len + d.len);
    }
    // \p{N}{1,k}
    if (c.cls & kNumber) {
      size_t j = i + c.len;
      for (int k = 1; k < max_digits_ && j < n; ++k) {
        Cp e = at(s, j);
        if (!(e.cls & kNumber)) break;
        j += e.len;
      }
      return j;
    }
    // " ?[^\s\p{L}\p{N}]+[\r\n]*"
    if (c.cp == ' ' && d.len && is_other(d.cls)) return others_from(s, i + 1);
    if (is_other(c.cls)) return others_from(s, i);
    // c is white space. \s*[\r\n]+ : up to the last newline of the run.
    size_t j = i, last_newline_end = 0;
    while (j < n) {
      Cp e = at(s, j);
      if (!(e.cls & kWhiteSpace)) break;
      j += e.len;
      if (is_newline(e.cp)) last_newline_end = j;
    }
    if (last_newline_end) return last_newline_end;
    // \s+(?!\S) then \s+
    if (j == n) return j;
    // Back off one character so the last space can join the next piece.
    size_t k = j;
    do {
      --k;
    } while ((static_cast<unsigned char>(s[k]) & 0xC0) == 0x80);
    return k > i ? k : j;
  }

  int max_digits_;
  uint16_t ascii_[128];
  bool letter_prefix_[128];
  bool ascii_other_[128];  // [^\s\p{L}\p{N}]
};

constexpr uint64_t kHighBits = 0x8080808080808080ULL;
constexpr uint64_t bytes_of(unsigned char b) { return 0x0101010101010101ULL * b; }

// Whether any of eight bytes is non-ASCII or an ASCII digit. For ASCII
// bytes x, x + (0x80 - k) sets the byte's high bit exactly when x >= k,
// without carrying into the next byte.
inline bool any_digit_or_non_ascii(uint64_t w) {
  if (w & kHighBits) return true;
  return ((w + bytes_of(0x80 - '0')) & ~(w + bytes_of(0x80 - '9' - 1)) & kHighBits) != 0;
}

inline char32_t cp_at(std::string_view s, size_t i, size_t* len) {
  unsigned char b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) {
    *len = 1;
    return b;
  }
  return decode_utf8(s, i, len);
}

// ASCII punctuation and symbols: 33-47, 58-64, 91-96, 123-126 (one bit test).
inline bool is_ascii_punct(char32_t c) {
  constexpr uint64_t kLow = 0xFC00FFFE00000000ULL;   // 33-47, 58-63
  constexpr uint64_t kHigh = 0x78000001F8000001ULL;  // 64, 91-96, 123-126
  return c < 128 && (((c < 64 ? kLow : kHigh) >> (c & 63)) & 1);
}

// The characters where DeepSeek's first two Splits cut, \p{N} and the CJK
// ranges of its second pattern: the main pattern never sees past one.
inline bool is_deepseek_cjk(char32_t c) { return (c >= 0x4E00 && c <= 0x9FA5) || (c >= 0x3040 && c <= 0x30FF); }
inline bool is_deepseek_barrier(char32_t c, uint16_t cls) { return (cls & kNumber) || is_deepseek_cjk(c); }

// kDeepSeekMainPattern, alternative by alternative. With kStopAtBarrier,
// the pattern runs on the part of s that ends at the first barrier
// character (see is_deepseek_barrier) after i, as if s ended there: each
// loop that consumes characters stops at one, and each look at the next
// character treats one as the end. That lets the fused scanner run the
// main pattern over the whole text in one pass instead of first cutting
// it at digits and CJK runs.
//
// End of the run of \p{L}\p{M} characters starting at j. Digits are never
// \p{L} or \p{M}; of the barriers only CJK characters need a test.
template <bool kStopAtBarrier>
__attribute__((noinline)) size_t deepseek_letters_marks_from(std::string_view s, size_t j) {
  const size_t n = s.size();
  while (j < n) {
    // Among ASCII only A-Z and a-z are letters, and there are no marks.
    j = ascii_letters_end(s, j);
    if (j >= n) break;
    unsigned char b = static_cast<unsigned char>(s[j]);
    if (b < 0x80) break;
    size_t l;
    const char32_t c = cp_at(s, j, &l);
    if (!(char_class(c) & (kLetter | kMark))) break;
    if (kStopAtBarrier && is_deepseek_cjk(c)) break;
    j += l;
  }
  return j;
}
// The same, with the common case (the ASCII letters of one word, ending at
// an ASCII byte) inline in every caller and the rest out of line.
template <bool kStopAtBarrier>
__attribute__((always_inline)) inline size_t deepseek_letters_marks(std::string_view s, size_t j) {
  j = ascii_letters_end(s, j);
  if (j < s.size() && static_cast<unsigned char>(s[j]) >= 0x80)
    return deepseek_letters_marks_from<kStopAtBarrier>(s, j);
  return j;
}

// " ?[\p{P}\p{S}]+[\r\n]*" from its first punctuation character at j.
// Among ASCII, \p{P} and \p{S} are exactly is_ascii_punct.
template <bool kStopAtBarrier>
inline size_t deepseek_punct_run(std::string_view s, size_t j) {
  const size_t n = s.size();
  while (j < n) {
    const unsigned char b = static_cast<unsigned char>(s[j]);
    if (b < 0x80) {
      if (!is_ascii_punct(b)) break;
      ++j;
      continue;
    }
    size_t l;
    const char32_t c = cp_at(s, j, &l);
    if (!(char_class(c) & (kPunct | kSymbol))) break;
    if (kStopAtBarrier && is_deepseek_cjk(c)) break;
    j += l;
  }
  while (j < n && (s[j] == '\r' || s[j] == '\n')) ++j;
  return j;
}

template <bool kStopAtBarrier>
__attribute__((noinline)) size_t deepseek_main_general(std::string_view s, size_t i) {
  size_t n = s.size();
  size_t len;
  char32_t c = cp_at(s, i, &len);
  uint16_t cls = char_class(c);
  size_t dlen = 0;
  char32_t d = i + len < n ? cp_at(s, i + len, &dlen) : 0;
  uint16_t dcls = dlen ? char_class(d) : 0;
  if (kStopAtBarrier && dlen && is_deepseek_barrier(d, dcls)) {
    d = 0;  // the text ends before d
    dlen = 0;
    dcls = 0;
  }
  auto is_ascii_letter = [](char32_t x) { return (x >= 'A' && x <= 'Z') || (x >= 'a' && x <= 'z'); };
  // [ASCII punctuation][A-Za-z]+
  if (is_ascii_punct(c) && dlen && is_ascii_letter(d)) {
    size_t j = i + 2;
    while (j < n && is_ascii_letter(static_cast<unsigned char>(s[j]))) ++j;
    return j;
  }
  // [^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+
  if (cls & (kLetter | kMark)) return deepseek_letters_marks<kStopAtBarrier>(s, i + len);
  if (c != '\r' && c != '\n' && !(cls & (kPunct | kSymbol)) && dlen && (dcls & (kLetter | kMark))) {
    return deepseek_letters_marks<kStopAtBarrier>(s, i + len + dlen);
  }
  // " ?[\p{P}\p{S}]+[\r\n]*"
  if (c == ' ' && dlen && (dcls & (kPunct | kSymbol))) return deepseek_punct_run<kStopAtBarrier>(s, i + 1);
  if (cls & (kPunct | kSymbol)) return deepseek_punct_run<kStopAtBarrier>(s, i);
  if (!(cls & kWhiteSpace)) return i;  // no alternative matches here
  // \s*[\r\n]+ | \s+(?!\S) | \s+  (no barrier is white space)
  size_t j = i, last_newline_end = 0;
  while (j < n) {
    size_t l;
    char32_t e = cp_at(s, j, &l);
    if (!(char_class(e) & kWhiteSpace)) break;
    j += l;
    if (e == '\r' || e == '\n') last_newline_end = j;
  }
  if (last_newline_end) return last_newline_end;
  if (j == n) return j;
  if (kStopAtBarrier) {
    size_t l;
    const char32_t e = cp_at(s, j, &l);
    if (is_deepseek_barrier(e, char_class(e))) return j;  // the text ends at j
  }
  size_t k = j;
  do {
    --k;
  } while ((static_cast<unsigned char>(s[k]) & 0xC0) == 0x80);
  return k > i ? k : j;
}

// The main pattern at i (s[i] is not a barrier when kStopAtBarrier): end
// of the match, or i when none. The common starts of book text are decided
// inline, exactly as deepseek_main_general would; the rest goes there, out
// of line so that its register saves stay off the fast path.
template <bool kStopAtBarrier>
__attribute__((always_inline)) inline size_t deepseek_main_at(std::string_view s, size_t i) {
  const size_t n = s.size();
  const unsigned char b = static_cast<unsigned char>(s[i]);
  // A letter: no prefix, then \p{L}\p{M} (a space is not punctuation, so
  // "[ASCII punctuation][A-Za-z]+" cannot apply to a space either).
  if (unsigned((b | 0x20) - 'a') < 26u) return deepseek_letters_marks<kStopAtBarrier>(s, i + 1);
  if (i + 1 < n) {
    const unsigned char b2 = static_cast<unsigned char>(s[i + 1]);
    const bool letter2 = unsigned((b2 | 0x20) - 'a') < 26u;
    if (b == ' ') {
      if (letter2) return deepseek_letters_marks<kStopAtBarrier>(s, i + 2);
      if (b2 < 0x80) {
        if (is_ascii_punct(b2)) return deepseek_punct_run<kStopAtBarrier>(s, i + 1);
      } else if (kStopAtBarrier) {
        // A space before a non-ASCII letter or punctuation mark (that is
        // not a barrier, so part of this text).
        size_t l;
        const char32_t d = cp_at(s, i + 1, &l);
        const uint16_t dcls = char_class(d);
        if (!is_deepseek_cjk(d)) {
          if (dcls & (kLetter | kMark)) return deepseek_letters_marks<kStopAtBarrier>(s, i + 1 + l);
          if (dcls & (kPunct | kSymbol)) return deepseek_punct_run<kStopAtBarrier>(s, i + 1);
        }
      }
    } else if (b < 0x80 && is_ascii_punct(b)) {
      if (letter2) return ascii_letters_end(s, i + 2);  // [ASCII punctuation][A-Za-z]+
      // Punctuation is neither the optional prefix nor a letter, so
      // " ?[\p{P}\p{S}]+[\r\n]*" is next.
      return deepseek_punct_run<kStopAtBarrier>(s, i);
    }
  } else if (b < 0x80 && is_ascii_punct(b)) {
    return i + 1;  // punctuation ending the text
  }
  return deepseek_main_general<kStopAtBarrier>(s, i);
}

// Byte classes of DeepSeek's ASCII fast path (deepseek_ascii_piece_end).
enum DeepSeekByteBits : uint8_t {
  kDsLetter = 1,     // A-Z, a-z: \p{L}
  kDsPunct = 2,      // ASCII punctuation and symbols: \p{P} or \p{S}, and the first alternative's class
  kDsSpace = 4,      // ' '
  kDsNewline = 8,    // \r, \n
  kDsDigit = 16,     // 0-9: \p{N}, a barrier
  kDsNonAscii = 32,  // >= 0x80
};
struct DeepSeekByteClasses {
  uint8_t c[256];
  constexpr DeepSeekByteClasses() : c() {
    for (int b = 0; b < 256; ++b) {
      uint8_t bits = 0;
      if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z')) bits = kDsLetter;
      if ((b >= 33 && b <= 47) || (b >= 58 && b <= 64) || (b >= 91 && b <= 96) || (b >= 123 && b <= 126)) {
        bits = kDsPunct;
      }
      if (b == ' ') bits = kDsSpace;
      if (b == '\r' || b == '\n') bits = kDsNewline;
      if (b >= '0' && b <= '9') bits = kDsDigit;
      if (b >= 0x80) bits = kDsNonAscii;
      c[b] = bits;  // 0: other ASCII white space and controls (left to the general code)
    }
  }
};
inline constexpr DeepSeekByteClasses kDeepSeekBytes;

// General punctuation (U+2010..U+2027, U+2030..U+203F: dashes, curly
// quotes, ellipsis, daggers, per mille, primes), found as the tiktoken
// fast path finds it (pretok::detail::general_punctuation_at). For
// DeepSeek, every one is \p{P} (Pd, Pi, Pf, Po, Pc), none a letter, mark,
// number or CJK character, and books put one every ~160 bytes.
using pretok::detail::general_punctuation_at;

// The end of the piece the fused DeepSeek scanner (below) cuts at `pos`
// (pos < s.size(), a piece start) when the bytes around pos settle it from
// their ASCII classes, else 0 (ask the general code). It settles: a letter
// run (optionally after ' '), ASCII punctuation before ASCII letters (the
// first alternative), punctuation runs (optionally after ' ') through
// general punctuation, a newline run before text, a lone space before a
// digit or the end, and ASCII digit runs. Where a letter or punctuation run meets any other non-ASCII
// character, the exact continuations (deepseek_letters_marks_from,
// deepseek_punct_run) take over from there.
//
// Why: English text is nearly all such pieces, and deciding them from one
// table lookup per byte pair with SSE2 letter runs (core/ascii.h) costs
// fewer instructions and mispredicted branches than walking the pattern's
// alternatives (measured: see the performance notes in hf_tokenizer.cc).
// Exact: HfRegex.AsciiFastPathsMatchPcre2 (regex_test.cc) and the
// hf_scanner_fuzz target check the scanner against PCRE2's chain.
__attribute__((always_inline)) inline size_t deepseek_ascii_piece_end(std::string_view s, size_t pos) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  const uint8_t c0 = kDeepSeekBytes.c[p[pos]];
  const uint8_t c1 = pos + 1 < n ? kDeepSeekBytes.c[p[pos + 1]] : 0;
  size_t j;
  if (c0 & kDsLetter) {
    // [\p{L}\p{M}]+ (a letter cannot be the optional prefix).
    j = ascii_letter_run_end(p, n, pos + 1);
    goto letters;
  }
  if (c0 & kDsPunct) {
    // "[punct][A-Za-z]+" takes ASCII letters only; without a letter after
    // it, punctuation is neither that nor the prefix: " ?[\p{P}\p{S}]+".
    if (c1 & kDsLetter) return ascii_letter_run_end(p, n, pos + 2);
    j = pos + 1;
    goto punct;
  }
  if (c0 & kDsSpace) {
    // ' ' is the optional prefix before letters, the optional space before
    // punctuation; before a digit (a barrier) or at the end it is the
    // whole text left, which \s+(?!\S) takes.
    if (c1 & kDsLetter) {
      j = ascii_letter_run_end(p, n, pos + 2);
      goto letters;
    }
    if (c1 & kDsPunct) {
      j = pos + 2;
      goto punct;
    }
    if ((c1 & kDsDigit) || pos + 1 == n) return pos + 1;
    if ((c1 & kDsNonAscii) && general_punctuation_at(p, n, pos + 1)) {
      j = pos + 4;
      goto punct;
    }
    return 0;
  }
  if (c0 & kDsNewline) {
    // \s*[\r\n]+ up to the last line break of the white space run: the
    // newline run itself when text (or the end) follows it.
    j = pos + 1;
    while (j < n && (kDeepSeekBytes.c[p[j]] & kDsNewline)) ++j;
    if (j == n || (kDeepSeekBytes.c[p[j]] & (kDsLetter | kDsPunct | kDsDigit))) return j;
    return 0;
  }
  if (c0 & kDsDigit) {
    // \p{N}{1,3}; a non-ASCII character after fewer than three digits may
    // be a number continuing the run.
    j = pos + 1;
    while (j < n && j < pos + 3 && (kDeepSeekBytes.c[p[j]] & kDsDigit)) ++j;
    if (j < n && j < pos + 3 && (kDeepSeekBytes.c[p[j]] & kDsNonAscii)) return 0;
    return j;
  }
  if ((c0 & kDsNonAscii) && general_punctuation_at(p, n, pos)) {
    j = pos + 3;
    goto punct;
  }
  return 0;
letters:
  // A non-ASCII character may be a letter or mark continuing the run.
  if (j < n && p[j] >= 0x80 && !general_punctuation_at(p, n, j)) return deepseek_letters_marks_from<true>(s, j);
  return j;
punct:
  for (;;) {
    while (j < n && (kDeepSeekBytes.c[p[j]] & kDsPunct)) ++j;
    if (j >= n || p[j] < 0x80) break;
    if (!general_punctuation_at(p, n, j)) return deepseek_punct_run<true>(s, j);  // also takes [\r\n]*
    j += 3;
  }
  while (j < n && (kDeepSeekBytes.c[p[j]] & kDsNewline)) ++j;  // [\r\n]*
  return j;
}

// DeepSeek V3's three isolating Splits (digits, then CJK runs, then the
// main pattern) fused into one pass that reports every piece as a span.
// Same pieces as running the three scanners as a chain, without a virtual
// call and a nested feed per piece and level (measured: the chain's
// plumbing was ~a quarter of DeepSeek's counting time).
//
// Why one pass: the chain's pieces are the digit runs (at most three
// \p{N}, left whole by the later Splits), the maximal CJK runs (cut by the
// main pattern on their own) and, between those, stretches with neither,
// cut by the main pattern on their own. Walking the text once, a digit or
// CJK character at a piece start begins its run; anywhere else the main
// pattern runs with kStopAtBarrier, which sees the text end at the next
// digit or CJK character, exactly as it would on the stretch alone. The
// earlier version cut the text at digits, then at CJK runs, then ran the
// main pattern on each stretch: three passes (measured: ~9 of DeepSeek's
// 47 instructions per byte went to the first two).
class DeepSeekFusedScanner final : public EmittingMatcher<DeepSeekFusedScanner> {
 public:
  bool covers() const override { return true; }
  MatcherKind kind() const override { return MatcherKind::kDeepSeekFused; }
  std::string describe() const override { return "scanner:deepseek-fused"; }

 private:
  static bool is_digit_start(std::string_view s, size_t i, size_t* len) {
    return (char_class(cp_at(s, i, len)) & kNumber) != 0;
  }
  static bool is_cjk(std::string_view s, size_t i, size_t* len) { return is_deepseek_cjk(cp_at(s, i, len)); }
  // The main pattern over s[b, e) as its own string: its matches and the
  // gaps between them, in order.
  template <typename Emit>
  __attribute__((noinline)) static void main_level(std::string_view s, size_t b, size_t e, Emit& emit) {
    const std::string_view t = s.substr(b, e - b);
    size_t prev = 0;
    for (size_t i = 0; i < t.size();) {
      const size_t m = deepseek_main_at<false>(t, i);
      if (m > i) {
        if (i > prev) emit(b + prev, b + i);
        emit(b + i, b + m);
        i = prev = m;
      } else {
        i += utf8_len(static_cast<unsigned char>(t[i]));
      }
    }
    if (prev < t.size()) emit(b + prev, e);
  }

 public:
  // Calls emit(begin, end) for each piece of s in order (they tile s).
  template <typename Emit>
  static void run(std::string_view s, Emit&& emit) {
    const size_t n = s.size();
    size_t i = 0;
    size_t gap = 0;  // start of the characters no alternative matched, not yet reported
    while (i < n) {
      size_t m = deepseek_ascii_piece_end(s, i);
      if (__builtin_expect(m != 0, 1)) {
        if (gap < i) emit(gap, i);
        emit(i, m);
        i = gap = m;
        continue;
      }
      const unsigned char b = static_cast<unsigned char>(s[i]);
      size_t len = 1;
      if (b < 0x80 && (b < '0' || b > '9')) {
        m = deepseek_main_at<true>(s, i);
      } else {
        const char32_t c = cp_at(s, i, &len);
        const uint16_t cls = char_class(c);
        if (cls & kNumber) {
          // \p{N}{1,3}: a piece as it is.
          size_t j = i + len;
          for (int k = 1; k < 3 && j < n && is_digit_start(s, j, &len); ++k) j += len;
          if (gap < i) emit(gap, i);
          emit(i, j);
          i = gap = j;
          continue;
        }
        if (is_deepseek_cjk(c)) {
          // A maximal CJK run, cut by the main pattern on its own.
          size_t j = i + len;
          while (j < n && is_cjk(s, j, &len)) j += len;
          if (gap < i) emit(gap, i);
          main_level(s, i, j, emit);
          i = gap = j;
          continue;
        }
        // A non-ASCII character that is not a barrier: a letter or mark
        // begins "[\p{L}\p{M}]+" (the first alternative needs ASCII
        // punctuation, the prefix of the second is neither), punctuation
        // " ?[\p{P}\p{S}]+[\r\n]*"; the rest is for the general code.
        m = (cls & (kLetter | kMark))    ? deepseek_letters_marks<true>(s, i + len)
            : (cls & (kPunct | kSymbol)) ? deepseek_punct_run<true>(s, i)
                                         : deepseek_main_general<true>(s, i);
      }
      if (m > i) {
        if (gap < i) emit(gap, i);
        emit(i, m);
        i = gap = m;
      } else {
        i += len;
      }
    }
    if (gap < n) emit(gap, n);
  }
};

}  // namespace epubtok::tokenizers::hf::detail
