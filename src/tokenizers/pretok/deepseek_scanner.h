// The scanner of DeepSeek V3's pre-tokenizer: its three isolating Splits,
// \p{N}{1,3}, then [\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+, then
//   [!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+|
//    ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
// fused into one pass (DeepSeekScanner), with the main pattern's matcher
// (deepseek_main_at) for the unfused chain. Its input is valid UTF-8 (the
// Hugging Face engine sanitizes first), decoded with decode_valid_utf8.
// V is the Unicode version of its classes (see UnicodeVersion).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/ascii.h"
#include "core/utf8.h"
#include "tokenizers/pretok/ascii_piece.h"
#include "tokenizers/unicode/char_class.h"

namespace epubtok::tokenizers::pretok {
namespace detail {

inline const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

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
template <UnicodeVersion V, bool kStopAtBarrier>
__attribute__((noinline)) size_t deepseek_letters_marks_from(std::string_view s, size_t j) {
  const size_t n = s.size();
  while (j < n) {
    // Among ASCII only A-Z and a-z are letters, and there are no marks.
    j = ascii_letter_run_end(bytes(s), s.size(), j);
    if (j >= n) break;
    unsigned char b = static_cast<unsigned char>(s[j]);
    if (b < 0x80) break;
    size_t l;
    const char32_t c = decode_valid_utf8(s, j, &l);
    if (!(char_class<V>(c) & (kLetter | kMark))) break;
    if (kStopAtBarrier && is_deepseek_cjk(c)) break;
    j += l;
  }
  return j;
}
// The same, with the common case (the ASCII letters of one word, ending at
// an ASCII byte) inline in every caller and the rest out of line.
template <UnicodeVersion V, bool kStopAtBarrier>
__attribute__((always_inline)) inline size_t deepseek_letters_marks(std::string_view s, size_t j) {
  j = ascii_letter_run_end(bytes(s), s.size(), j);
  if (j < s.size() && static_cast<unsigned char>(s[j]) >= 0x80)
    return deepseek_letters_marks_from<V, kStopAtBarrier>(s, j);
  return j;
}

// " ?[\p{P}\p{S}]+[\r\n]*" from its first punctuation character at j.
// Among ASCII, \p{P} and \p{S} are exactly is_ascii_punct.
template <UnicodeVersion V, bool kStopAtBarrier>
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
    const char32_t c = decode_valid_utf8(s, j, &l);
    if (!(char_class<V>(c) & (kPunct | kSymbol))) break;
    if (kStopAtBarrier && is_deepseek_cjk(c)) break;
    j += l;
  }
  while (j < n && (s[j] == '\r' || s[j] == '\n')) ++j;
  return j;
}

template <UnicodeVersion V, bool kStopAtBarrier>
__attribute__((noinline)) size_t deepseek_main_general(std::string_view s, size_t i) {
  size_t n = s.size();
  size_t len;
  char32_t c = decode_valid_utf8(s, i, &len);
  uint16_t cls = char_class<V>(c);
  size_t dlen = 0;
  char32_t d = i + len < n ? decode_valid_utf8(s, i + len, &dlen) : 0;
  uint16_t dcls = dlen ? char_class<V>(d) : 0;
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
  if (cls & (kLetter | kMark)) return deepseek_letters_marks<V, kStopAtBarrier>(s, i + len);
  if (c != '\r' && c != '\n' && !(cls & (kPunct | kSymbol)) && dlen && (dcls & (kLetter | kMark))) {
    return deepseek_letters_marks<V, kStopAtBarrier>(s, i + len + dlen);
  }
  // " ?[\p{P}\p{S}]+[\r\n]*"
  if (c == ' ' && dlen && (dcls & (kPunct | kSymbol))) return deepseek_punct_run<V, kStopAtBarrier>(s, i + 1);
  if (cls & (kPunct | kSymbol)) return deepseek_punct_run<V, kStopAtBarrier>(s, i);
  if (!(cls & kWhiteSpace)) return i;  // no alternative matches here
  // \s*[\r\n]+ | \s+(?!\S) | \s+  (no barrier is white space)
  size_t j = i, last_newline_end = 0;
  while (j < n) {
    size_t l;
    char32_t e = decode_valid_utf8(s, j, &l);
    if (!(char_class<V>(e) & kWhiteSpace)) break;
    j += l;
    if (e == '\r' || e == '\n') last_newline_end = j;
  }
  if (last_newline_end) return last_newline_end;
  if (j == n) return j;
  if (kStopAtBarrier) {
    size_t l;
    const char32_t e = decode_valid_utf8(s, j, &l);
    if (is_deepseek_barrier(e, char_class<V>(e))) return j;  // the text ends at j
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
template <UnicodeVersion V, bool kStopAtBarrier>
__attribute__((always_inline)) inline size_t deepseek_main_at(std::string_view s, size_t i) {
  const size_t n = s.size();
  const unsigned char b = static_cast<unsigned char>(s[i]);
  // A letter: no prefix, then \p{L}\p{M} (a space is not punctuation, so
  // "[ASCII punctuation][A-Za-z]+" cannot apply to a space either).
  if (unsigned((b | 0x20) - 'a') < 26u) return deepseek_letters_marks<V, kStopAtBarrier>(s, i + 1);
  if (i + 1 < n) {
    const unsigned char b2 = static_cast<unsigned char>(s[i + 1]);
    const bool letter2 = unsigned((b2 | 0x20) - 'a') < 26u;
    if (b == ' ') {
      if (letter2) return deepseek_letters_marks<V, kStopAtBarrier>(s, i + 2);
      if (b2 < 0x80) {
        if (is_ascii_punct(b2)) return deepseek_punct_run<V, kStopAtBarrier>(s, i + 1);
      } else if (kStopAtBarrier) {
        // A space before a non-ASCII letter or punctuation mark (that is
        // not a barrier, so part of this text).
        size_t l;
        const char32_t d = decode_valid_utf8(s, i + 1, &l);
        const uint16_t dcls = char_class<V>(d);
        if (!is_deepseek_cjk(d)) {
          if (dcls & (kLetter | kMark)) return deepseek_letters_marks<V, kStopAtBarrier>(s, i + 1 + l);
          if (dcls & (kPunct | kSymbol)) return deepseek_punct_run<V, kStopAtBarrier>(s, i + 1);
        }
      }
    } else if (b < 0x80 && is_ascii_punct(b)) {
      if (letter2) return ascii_letter_run_end(bytes(s), s.size(), i + 2);  // [ASCII punctuation][A-Za-z]+
      // Punctuation is neither the optional prefix nor a letter, so
      // " ?[\p{P}\p{S}]+[\r\n]*" is next.
      return deepseek_punct_run<V, kStopAtBarrier>(s, i);
    }
  } else if (b < 0x80 && is_ascii_punct(b)) {
    return i + 1;  // punctuation ending the text
  }
  return deepseek_main_general<V, kStopAtBarrier>(s, i);
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
// fast path finds it (general_punctuation_at, ascii_piece.h). For
// DeepSeek, every one is \p{P} (Pd, Pi, Pf, Po, Pc), none a letter, mark,
// number or CJK character, and books put one every ~160 bytes.

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
// alternatives.
// Exact: HfRegex.AsciiFastPathsMatchPcre2 (regex_test.cc) and the
// hf_scanner_fuzz target check the scanner against PCRE2's chain.
template <UnicodeVersion V>
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
  if (j < n && p[j] >= 0x80 && !general_punctuation_at(p, n, j)) return deepseek_letters_marks_from<V, true>(s, j);
  return j;
punct:
  for (;;) {
    while (j < n && (kDeepSeekBytes.c[p[j]] & kDsPunct)) ++j;
    if (j >= n || p[j] < 0x80) break;
    if (!general_punctuation_at(p, n, j)) return deepseek_punct_run<V, true>(s, j);  // also takes [\r\n]*
    j += 3;
  }
  while (j < n && (kDeepSeekBytes.c[p[j]] & kDsNewline)) ++j;  // [\r\n]*
  return j;
}

}  // namespace detail

// DeepSeek V3's three isolating Splits (digits, then CJK runs, then the
// main pattern) fused into one pass that reports every piece as a span.
// Same pieces as running the three scanners as a chain, without a virtual
// call and a nested feed per piece and level.
//
// Why one pass: the chain's pieces are the digit runs (at most three
// \p{N}, left whole by the later Splits), the maximal CJK runs (cut by the
// main pattern on their own) and, between those, stretches with neither,
// cut by the main pattern on their own. Walking the text once, a digit or
// CJK character at a piece start begins its run; anywhere else the main
// pattern runs with kStopAtBarrier, which sees the text end at the next
// digit or CJK character, exactly as it would on the stretch alone.
template <UnicodeVersion V>
class DeepSeekScanner {
  static_assert((carried_bits(V) & (kPunct | kSymbol | kMark)) == (kPunct | kSymbol | kMark),
                "the pattern tests \\p{P}, \\p{S} and \\p{M}: V's table must carry them");

  static bool is_digit_start(std::string_view s, size_t i, size_t* len) {
    return (char_class<V>(decode_valid_utf8(s, i, len)) & kNumber) != 0;
  }
  static bool is_cjk(std::string_view s, size_t i, size_t* len) {
    return detail::is_deepseek_cjk(decode_valid_utf8(s, i, len));
  }
  // The main pattern over s[b, e) as its own string: its matches and the
  // gaps between them, in order.
  template <typename Emit>
  __attribute__((noinline)) static void main_level(std::string_view s, size_t b, size_t e, Emit& emit) {
    const std::string_view t = s.substr(b, e - b);
    size_t prev = 0;
    for (size_t i = 0; i < t.size();) {
      const size_t m = detail::deepseek_main_at<V, false>(t, i);
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
      size_t m = detail::deepseek_ascii_piece_end<V>(s, i);
      if (__builtin_expect(m != 0, 1)) {
        if (gap < i) emit(gap, i);
        emit(i, m);
        i = gap = m;
        continue;
      }
      const unsigned char b = static_cast<unsigned char>(s[i]);
      size_t len = 1;
      if (b < 0x80 && (b < '0' || b > '9')) {
        m = detail::deepseek_main_at<V, true>(s, i);
      } else {
        const char32_t c = decode_valid_utf8(s, i, &len);
        const uint16_t cls = char_class<V>(c);
        if (cls & kNumber) {
          // \p{N}{1,3}: a piece as it is.
          size_t j = i + len;
          for (int k = 1; k < 3 && j < n && is_digit_start(s, j, &len); ++k) j += len;
          if (gap < i) emit(gap, i);
          emit(i, j);
          i = gap = j;
          continue;
        }
        if (detail::is_deepseek_cjk(c)) {
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
        m = (cls & (kLetter | kMark))    ? detail::deepseek_letters_marks<V, true>(s, i + len)
            : (cls & (kPunct | kSymbol)) ? detail::deepseek_punct_run<V, true>(s, i)
                                         : detail::deepseek_main_general<V, true>(s, i);
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

}  // namespace epubtok::tokenizers::pretok
