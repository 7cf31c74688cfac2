// TiktokenEncoding::is_clean_split(): where a text can be cut so that the
// token count of the whole is the sum of the counts of the two halves.
//
// Why a cut can be clean. All three pattern families the scanners know
// (cl100k, o200k, and GPT-2's, used by p50k/r50k/Claude) cover every
// character and have no look-behind, so the piece that starts at a position
// depends only on the text from there on. A cut at `pos` is therefore clean
// when (a) some piece ends exactly at `pos` in every context and (b) the
// halves normalise and split at special tokens independently.
//
// (a) holds when the code point before `pos` is a letter or digit and the one
// at `pos` is a space, a line feed, or an ideographic comma or full stop:
//  - a letter ends its letter piece (`\p{L}+`, o200k's cased-letter runs) or
//    contraction ("'s") at the first character that is neither a letter nor
//    a combining mark; o200k's optional "'s"-style suffix needs an
//    apostrophe, and none of the four characters is one;
//  - a digit ends its `\p{N}{1,3}` / ` ?\p{N}+` piece likewise;
//  - none of the four characters can be absorbed into the piece before it:
//    cl100k/o200k absorb trailing line feeds only into punctuation pieces
//    (`[^\s\p{L}\p{N}]+[\r\n]*`), never into letter or digit pieces.
// Whatever follows `pos` then starts a fresh piece, as it would at the start
// of a text.
//
// (b) Claude normalises with NFKC first and recognises special tokens. NFKC
// of the whole equals the concatenation of the halves' NFKC when the
// character at `pos` is a starter that never composes with what precedes it
// (true of all four) and the letter before it is one that NFKC leaves alone,
// so that it is still a letter after normalisation. The letter set below is
// restricted to such NFKC-inert letters. A special token cannot straddle the
// cut unless its text contains the cut character, which is checked.
//
// (c) A space after any code point of the Hebrew, Arabic, Devanagari,
// Bengali or Thai blocks (letters, vowel signs and other marks, digits,
// punctuation, format characters, unassigned) is clean too, though a line
// feed is not. Words in these scripts end in marks as often as in letters,
// and cl100k/GPT-2 put a lone mark or punctuation in a punctuation piece
// (`[^\s\p{L}\p{N}]+`), which absorbs trailing line feeds (o200k: line
// feeds and '/') but never a space; o200k's letter pieces take the marks and
// stop at the space like any letter run; digit pieces stop there too. NFKC
// maps no code point of these blocks to anything holding white space
// (Greek's block, for one, has three that it maps to a space and a mark, so
// it is not here), and the space, a starter that composes with nothing,
// keeps the halves' normalisations apart.
//
// The set is deliberately small and explicit rather than "any \p{L}": it is
// easy to verify, and it finds a cut within a few bytes in prose of every
// script the product targets. tiktoken_test.cc checks it against whole-text
// encoding on adversarial random strings.
#include "tokenizers/tiktoken/tiktoken_encoding.h"

#include "core/utf8.h"

namespace epubtok::tokenizers::tiktoken {
namespace {

// Letters and digits that NFKC maps to themselves in any context (starters
// that are neither decomposed nor the second half of any composition).
bool is_inert_letter_or_digit(char32_t c) {
  if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  return (c >= 0x00C0 && c <= 0x00FF && c != 0x00D7 && c != 0x00F7)       // Latin-1 letters
         || (c >= 0x0410 && c <= 0x044F)                                  // basic Cyrillic
         || (c >= 0x0391 && c <= 0x03A9 && c != 0x03A2)                   // Greek capitals
         || (c >= 0x03B1 && c <= 0x03C9)                                  // Greek small
         || (c >= 0x05D0 && c <= 0x05EA)                                  // Hebrew letters
         || (c >= 0x0621 && c <= 0x063A) || (c >= 0x0641 && c <= 0x064A)  // Arabic letters
         || (c >= 0x3041 && c <= 0x3096)                                  // Hiragana
         || (c >= 0x30A1 && c <= 0x30FA)                                  // Katakana
         || (c >= 0x4E00 && c <= 0x9FFF)                                  // CJK unified ideographs
         || (c >= 0xAC00 && c <= 0xD7A3);                                 // Hangul syllables
}

// Any code point of the blocks of rule (c).
bool ends_word_before_space(char32_t c) {
  return (c >= 0x0590 && c <= 0x06FF)      // Hebrew, Arabic
         || (c >= 0x0900 && c <= 0x09FF)   // Devanagari, Bengali
         || (c >= 0x0E00 && c <= 0x0E7F);  // Thai
}

// code_point_before() comes from core/utf8.h.

constexpr std::string_view kIdeographicComma = "\xE3\x80\x81";     // U+3001
constexpr std::string_view kIdeographicFullStop = "\xE3\x80\x82";  // U+3002

}  // namespace

bool TiktokenEncoding::is_clean_split(std::string_view text, size_t pos) const {
  if (!family_ || pos == 0 || pos >= text.size()) return false;
  std::string_view cut_char;
  if (text[pos] == ' ' || text[pos] == '\n') {
    cut_char = text.substr(pos, 1);
  } else if (text.compare(pos, 3, kIdeographicComma) == 0 || text.compare(pos, 3, kIdeographicFullStop) == 0) {
    cut_char = text.substr(pos, 3);
  } else {
    return false;
  }
  const char32_t before = code_point_before(text, pos);
  const bool space_after_script = text[pos] == ' ' && ends_word_before_space(before);  // (c)
  if (!space_after_script && !is_inert_letter_or_digit(before)) return false;
  if (options_.allow_special) {
    for (const auto& [special, id] : specials_) {
      if (special.find(cut_char) != std::string::npos) return false;
    }
  }
  return true;
}

}  // namespace epubtok::tokenizers::tiktoken
