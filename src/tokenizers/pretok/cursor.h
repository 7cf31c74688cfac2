// The reading position the scanners share: decodes the UTF-8 at a byte
// offset (core/utf8.h, under the input contract Utf8Input), looks up
// its class bits in the Unicode version V's table (unicode/char_class.h),
// and scans the runs and tails the patterns have in common. Inline, so each
// scanner's loop compiles into one function, with no call per piece.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/ascii.h"
#include "core/utf8.h"
#include "tokenizers/unicode/char_class.h"

namespace epubtok::tokenizers::pretok {

// What a scanner may assume of its input's UTF-8.
enum class Utf8Input : uint8_t {
  kAny,    // any bytes, each invalid one read as one U+FFFD (decode_utf8): the tiktoken engine
  kValid,  // valid UTF-8, read without checks (decode_valid_utf8): the Hugging Face engine, which sanitizes first
};

}  // namespace epubtok::tokenizers::pretok

namespace epubtok::tokenizers::pretok::detail {

// Class bits of the ASCII range (the same in every Unicode version), so the
// common case skips the table and UTF-8 decoding. Only the bits the
// scanners of this directory test (kUnicode16Bits).
struct AsciiClasses {
  uint8_t bits[128];
  constexpr AsciiClasses() : bits() {
    for (int c = 'a'; c <= 'z'; ++c) bits[c] = kLetter | kO200kLower;
    for (int c = 'A'; c <= 'Z'; ++c) bits[c] = kLetter | kO200kUpper;
    for (int c = '0'; c <= '9'; ++c) bits[c] = kNumber;
    for (const unsigned char c : {'\t', '\n', '\v', '\f', '\r', ' '}) bits[c] = kWhiteSpace;
  }
};
inline constexpr AsciiClasses kAscii;

// A decoded code point with its class bits.
struct Ch {
  char32_t cp;
  uint32_t len;
  uint16_t cls;
};

template <UnicodeVersion V, Utf8Input kInput = Utf8Input::kAny>
class Cursor {
  static_assert((carried_bits(V) & kUnicode16Bits) == kUnicode16Bits, "the scanners' classes must be in V's table");
  static_assert(kUnicode16Bits <= 0xFF, "run_end tests the low byte of a class");

 public:
  explicit Cursor(std::string_view s) : base_(reinterpret_cast<const unsigned char*>(s.data())), size_(s.size()) {}

  size_t size() const { return size_; }

  // The character at pos (pos < size()).
  // ASCII and three-byte characters (CJK, curly quotes, dashes: nearly
  // every non-ASCII character of real books) are decoded inline; the rest
  // goes out of line, so the inlined part stays small (o200k's letter runs
  // call at() for every character).
  __attribute__((always_inline)) Ch at(size_t pos) const {
    const unsigned char b = base_[pos];
    if (b < 0x80) return {b, 1, kAscii.bits[b]};
    if constexpr (kInput == Utf8Input::kValid) {
      size_t len;
      const char32_t cp = decode_valid_utf8(base_ + pos, &len);
      return {cp, static_cast<uint32_t>(len), char_class<V>(cp)};
    } else {
      if ((b & 0xF0) == 0xE0 && pos + 3 <= size_) {
        const unsigned b1 = base_[pos + 1], b2 = base_[pos + 2];
        const uint32_t cp = ((b & 0x0Fu) << 12) | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
        // Same acceptance rules as decode_utf8 (no overlongs, no surrogates).
        if ((b1 & 0xC0) == 0x80 && (b2 & 0xC0) == 0x80 && cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) {
          return {cp, 3, char_class<V>(cp)};
        }
      }
      return at_other(pos);
    }
  }
  __attribute__((noinline)) Ch at_other(size_t pos) const {
    const Utf8Char u = decode_utf8(base_ + pos, base_ + size_);
    return {u.cp, u.len, char_class<V>(u.cp)};
  }

  // End of the run of characters from pos whose class has any of `bits`
  // (bits of kUnicode16Bits, all in the low byte: tested as one byte, so
  // the test can read the table's byte directly).
  size_t run_end(size_t pos, uint8_t bits) const {
    while (pos < size_) {
      const unsigned char b = base_[pos];
      if (b < 0x80) {
        if (!(kAscii.bits[b] & bits)) break;
        ++pos;
        continue;
      }
      if constexpr (kInput == Utf8Input::kValid) {
        size_t len;
        const char32_t cp = decode_valid_utf8(base_ + pos, &len);
        if (!(static_cast<uint8_t>(char_class<V>(cp)) & bits)) break;
        pos += len;
        continue;
      } else {
        // Three- and two-byte characters (CJK, Indic scripts and most of the
        // BMP; Latin, Greek, Cyrillic, Hebrew, Arabic) decoded inline: a run of letters
        // is a whole piece, and a call to the general decoder per letter
        // would cost more than the rest of the loop.
        // Same acceptance rules as decode_utf8 (no overlongs, no surrogates).
        if ((b & 0xF0) == 0xE0 && pos + 3 <= size_) {
          const unsigned b1 = base_[pos + 1], b2 = base_[pos + 2];
          if ((b1 & 0xC0) == 0x80 && (b2 & 0xC0) == 0x80) {
            const uint32_t cp = ((b & 0x0Fu) << 12) | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
            if (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) {
              if (!(static_cast<uint8_t>(char_class<V>(cp)) & bits)) break;
              pos += 3;
              continue;
            }
          }
        }
        if (b >= 0xC2 && b <= 0xDF && pos + 2 <= size_ && (base_[pos + 1] & 0xC0) == 0x80) {
          const uint32_t cp = ((b & 0x1Fu) << 6) | (base_[pos + 1] & 0x3Fu);
          if (!(static_cast<uint8_t>(char_class<V>(cp)) & bits)) break;
          pos += 2;
          continue;
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
      if (c.cls & (kLetter | kNumber | kWhiteSpace)) break;
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
      if (is_ascii_space(base_[end])) {
        // A run of ASCII white space (indentation) at once, then its last
        // line break.
        const size_t run_end = ascii_space_run_end(base_, size_, end + 1);
        if (const size_t k = after_last_line_break(base_, end, run_end); k > end) after_newline = k;
        last_char = run_end - 1;
        end = run_end;
        continue;
      }
      Ch c = at(end);
      if (!(c.cls & kWhiteSpace)) break;
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

// \p{N}{1,kMax} from pos (pos is a number).
template <int kMax, typename Cur>
inline size_t up_to_n_numbers(const Cur& cur, size_t pos) {
  for (int i = 0; i < kMax && pos < cur.size(); ++i) {
    Ch c = cur.at(pos);
    if (!(c.cls & kNumber)) break;
    pos += c.len;
  }
  return pos;
}

}  // namespace epubtok::tokenizers::pretok::detail
