// The scanners' implementation, inline so that for_each_piece() compiles
// each family's loop into one function (a call per piece through a pointer
// cost ~15% of counting throughput on English prose). Not a public header:
// include scanner.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tokenizers/pretok/unicode_class.h"

namespace epubtok::tokenizers::pretok::detail {

// Class bits of the ASCII range, so the common case skips the two-stage
// table and UTF-8 decoding.
struct AsciiClasses {
  uint8_t bits[128];
  constexpr AsciiClasses() : bits() {
    for (int c = 'a'; c <= 'z'; ++c) bits[c] = kLetter | kLower;
    for (int c = 'A'; c <= 'Z'; ++c) bits[c] = kLetter | kUpper;
    for (int c = '0'; c <= '9'; ++c) bits[c] = kNumber;
    for (const unsigned char c : {'\t', '\n', '\v', '\f', '\r', ' '}) bits[c] = kSpace;
  }
};
inline constexpr AsciiClasses kAscii;

// A decoded code point with its class bits.
struct Ch {
  char32_t cp;
  uint32_t len;
  uint8_t cls;
};

class Cursor {
 public:
  explicit Cursor(std::string_view s) : base_(reinterpret_cast<const unsigned char*>(s.data())), size_(s.size()) {}

  size_t size() const { return size_; }

  // The character at pos (pos < size()).
  // ASCII and three-byte characters (CJK, curly quotes, dashes: nearly
  // every non-ASCII character of real books) are decoded inline; the rest
  // goes out of line, so the inlined part stays small. (A call to the
  // whole decoder per character was ~19% of counting Chinese with o200k,
  // whose letter runs go through at().)
  __attribute__((always_inline)) Ch at(size_t pos) const {
    const unsigned char b = base_[pos];
    if (b < 0x80) return {b, 1, kAscii.bits[b]};
    if ((b & 0xF0) == 0xE0 && pos + 3 <= size_) {
      const unsigned b1 = base_[pos + 1], b2 = base_[pos + 2];
      const uint32_t cp = ((b & 0x0Fu) << 12) | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
      // Same acceptance rules as decode_utf8 (no overlongs, no surrogates).
      if ((b1 & 0xC0) == 0x80 && (b2 & 0xC0) == 0x80 && cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) {
        return {cp, 3, char_class(cp)};
      }
    }
    return at_other(pos);
  }
  __attribute__((noinline)) Ch at_other(size_t pos) const {
    Utf8Char u = decode_utf8(base_ + pos, base_ + size_);
    return {u.cp, u.len, char_class(u.cp)};
  }

  // End of the run of characters from pos whose class has any of `bits`.
  size_t run_end(size_t pos, uint8_t bits) const {
    while (pos < size_) {
      const unsigned char b = base_[pos];
      if (b < 0x80) {
        if (!(kAscii.bits[b] & bits)) break;
        ++pos;
        continue;
      }
      // Three-byte characters (CJK, most of the BMP) decoded inline: runs
      // of Han letters are whole pieces in cl100k/o200k/GPT-2, and the
      // general decoder's branch chain was ~40% of Chinese counting.
      // Same acceptance rules as decode_utf8 (no overlongs, no surrogates).
      if ((b & 0xF0) == 0xE0 && pos + 3 <= size_) {
        const unsigned b1 = base_[pos + 1], b2 = base_[pos + 2];
        if ((b1 & 0xC0) == 0x80 && (b2 & 0xC0) == 0x80) {
          const uint32_t cp = ((b & 0x0Fu) << 12) | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
          if (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) {
            if (!(char_class(cp) & bits)) break;
            pos += 3;
            continue;
          }
        }
      }
      Ch c = at(pos);
      if (!(c.cls & bits)) break;
      pos += c.len;
    }
    return pos;
  }

  // End of a run of "other" characters ([^\s\p{L}\p{N}]) from pos.
  size_t other_run_end(size_t pos) const {
    while (pos < size_) {
      const unsigned char b = base_[pos];
      if (b < 0x80) {
        if (kAscii.bits[b]) break;
        ++pos;
        continue;
      }
      Ch c = at(pos);
      if (c.cls & (kLetter | kNumber | kSpace)) break;
      pos += c.len;
    }
    return pos;
  }

  // Length of a contraction suffix ('s 't 're 've 'm 'll 'd) starting at
  // pos with the apostrophe; 0 if none. `fold` gives the (?i:) behaviour of
  // the Rust regex: ASCII case-insensitive plus U+017F LATIN SMALL LETTER
  // LONG S, which simple case folding maps to 's'.
  size_t contraction_len(size_t pos, bool fold) const {
    if (pos >= size_ || base_[pos] != '\'' || pos + 1 >= size_) return 0;
    auto lower = [&](unsigned char b) -> unsigned char {
      return fold && b >= 'A' && b <= 'Z' ? static_cast<unsigned char>(b + 32) : b;
    };
    const unsigned char c1 = lower(base_[pos + 1]);
    if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd') return 2;
    if (fold && base_[pos + 1] == 0xC5 && pos + 2 < size_ && base_[pos + 2] == 0xBF) return 3;  // 'ſ
    if (pos + 2 >= size_) return 0;
    const unsigned char c2 = lower(base_[pos + 2]);
    if ((c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') || (c1 == 'l' && c2 == 'l')) return 3;
    return 0;
  }

  // End of the run of newline characters from pos ([\r\n]*), optionally
  // also '/' (o200k's [\r\n/]*).
  size_t newline_run_end(size_t pos, bool slash) const {
    while (pos < size_ && (base_[pos] == '\r' || base_[pos] == '\n' || (slash && base_[pos] == '/'))) ++pos;
    return pos;
  }

  // The shared whitespace tail of the cl100k/o200k patterns,
  //   \s*[\r\n]+ | \s+(?!\S) | \s+        (newline_alt = true)
  // and of GPT-2's  \s+(?!\S) | \s+       (newline_alt = false),
  // for a piece starting with white space at pos.
  //
  // \s*[\r\n]+ backtracks to the last newline of the white-space run, so it
  // matches up to and including that newline. \s+(?!\S) gives back the
  // run's last character unless the run ends the text; with a one-character
  // run it fails and \s+ takes that character.
  size_t whitespace_end(size_t pos, bool newline_alt) const {
    size_t end = pos;
    size_t last_char = pos;
    size_t after_newline = 0;
    while (end < size_) {
      Ch c = at(end);
      if (!(c.cls & kSpace)) break;
      if (c.cp == '\r' || c.cp == '\n') after_newline = end + 1;
      last_char = end;
      end += c.len;
    }
    if (newline_alt && after_newline != 0) return after_newline;
    if (end == size_) return end;
    if (last_char > pos) return last_char;  // two or more characters
    return end;
  }

 private:
  const unsigned char* base_;
  size_t size_;
};

// [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+ from pos, as the
// backtracking regex resolves it; 0 when it cannot match.
// The greedy upper-set run is taken first; if a lower-set character follows
// (necessarily \p{Ll}), the lower-set run extends from there. Otherwise the
// regex gives characters back until the last one that is in both sets
// (Lm/Lo/M) can serve as the one-character lower-set part.
inline size_t o200k_upper_lower_end(const Cursor& cur, size_t pos) {
  size_t end = pos;
  size_t after_both = 0;
  while (end < cur.size()) {
    Ch c = cur.at(end);
    if (!(c.cls & kUpper)) break;
    end += c.len;
    if (c.cls & kLower) after_both = end;
  }
  if (end < cur.size() && (cur.at(end).cls & kLower)) return cur.run_end(end, kLower);
  return after_both;
}

// [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]* from pos; 0 when
// it cannot match.
inline size_t o200k_upper_run_end(const Cursor& cur, size_t pos) {
  if (pos >= cur.size() || !(cur.at(pos).cls & kUpper)) return 0;
  return cur.run_end(cur.run_end(pos, kUpper), kLower);
}

// \p{N}{1,3} from pos (pos is a number).
inline size_t up_to_three_numbers(const Cursor& cur, size_t pos) {
  for (int i = 0; i < 3 && pos < cur.size(); ++i) {
    Ch c = cur.at(pos);
    if (!(c.cls & kNumber)) break;
    pos += c.len;
  }
  return pos;
}

inline size_t cl100k_end(std::string_view text, size_t pos) {
  const Cursor cur(text);
  if (size_t n = cur.contraction_len(pos, /*fold=*/true)) return pos + n;
  const Ch c = cur.at(pos);
  if (c.cls & kLetter) return cur.run_end(pos + c.len, kLetter);
  // [^\r\n\p{L}\p{N}]\p{L}+
  const size_t next = pos + c.len;
  if (!(c.cls & kNumber) && c.cp != '\r' && c.cp != '\n' && next < cur.size() && (cur.at(next).cls & kLetter)) {
    return cur.run_end(next, kLetter);
  }
  if (c.cls & kNumber) return up_to_three_numbers(cur, pos);
  // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
  size_t start = pos;
  if (c.cp == ' ' && next < cur.size()) start = next;
  const Ch o = start == pos ? c : cur.at(start);
  if (!(o.cls & (kLetter | kNumber | kSpace))) return cur.newline_run_end(cur.other_run_end(start), false);
  return cur.whitespace_end(pos, /*newline_alt=*/true);
}

inline size_t o200k_end(std::string_view text, size_t pos) {
  const Cursor cur(text);
  const Ch c = cur.at(pos);
  const size_t next = pos + c.len;
  const bool can_prefix = !(c.cls & (kLetter | kNumber)) && c.cp != '\r' && c.cp != '\n';
  auto with_contraction = [&](size_t end) { return end + cur.contraction_len(end, /*fold=*/true); };
  // Alternative 1, first with the optional prefix character, then without.
  if (can_prefix) {
    if (size_t end = o200k_upper_lower_end(cur, next)) return with_contraction(end);
  }
  if (size_t end = o200k_upper_lower_end(cur, pos)) return with_contraction(end);
  // Alternative 2, likewise.
  if (can_prefix) {
    if (size_t end = o200k_upper_run_end(cur, next)) return with_contraction(end);
  }
  if (size_t end = o200k_upper_run_end(cur, pos)) return with_contraction(end);
  if (c.cls & kNumber) return up_to_three_numbers(cur, pos);
  // ' ?[^\s\p{L}\p{N}]+[\r\n/]*'
  size_t start = pos;
  if (c.cp == ' ' && next < cur.size()) start = next;
  const Ch o = start == pos ? c : cur.at(start);
  if (!(o.cls & (kLetter | kNumber | kSpace))) return cur.newline_run_end(cur.other_run_end(start), true);
  return cur.whitespace_end(pos, /*newline_alt=*/true);
}

inline size_t gpt2_end(std::string_view text, size_t pos) {
  const Cursor cur(text);
  if (size_t n = cur.contraction_len(pos, /*fold=*/false)) return pos + n;
  Ch c = cur.at(pos);
  size_t start = pos;
  // ' ?' attaches one U+0020 to a following letter, number or other run.
  if (c.cp == ' ' && pos + 1 < cur.size()) {
    Ch n = cur.at(pos + 1);
    if (!(n.cls & kSpace)) {
      start = pos + 1;
      c = n;
    }
  }
  if (c.cls & kLetter) return cur.run_end(start + c.len, kLetter);
  if (c.cls & kNumber) return cur.run_end(start + c.len, kNumber);
  if (!(c.cls & kSpace)) return cur.other_run_end(start + c.len);
  return cur.whitespace_end(pos, /*newline_alt=*/false);
}

}  // namespace epubtok::tokenizers::pretok::detail
