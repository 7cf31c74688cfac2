#include "text/word_count.h"

#include "core/ascii.h"
#include "text/cjk_dictionary.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>
#include <unicode/utf16.h>

#include <array>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

// How count_words() is fast and still exactly ICU's count (the figures and
// what was tried: bench/RESULTS.md, "Words"):
//  - Most book text is made of "simple" characters (Latin, Greek, Cyrillic,
//    Arabic, Devanagari, general punctuation, combining marks), for which
//    UAX #29 reduces to a handful of rules (WB4, WB5-WB13b without
//    Katakana/Hebrew). A byte-level scanner applies them, testing 16 ASCII
//    letters at a time (core/ascii.h), and hands every piece that contains
//    anything else (ZWJ, emoji, CJK, Thai, Hangul, Hebrew, invalid UTF-8...)
//    to ICU. Pieces are cut just before ASCII white space, where UAX #29
//    (and ICU) always has a boundary that no rule looks across, so counting
//    pieces separately gives exactly the whole-text result; word_count_test
//    checks the two against each other (every handled character in every
//    rule context, generated prose, tricky strings, random strings) and
//    text_corpus_test on real books.
//  - Where ICU 72 departs from UAX #29 the scanner defers to it: a combining
//    mark or format character right after a connector ("_") goes to ICU,
//    whose rule chaining gives "b_\u00AD.c" one segment.
//  - ICU regions are merged while complex characters are < 64 bytes apart,
//    to keep the number of ICU calls low.
//  - Runs of kana and kanji between punctuation go through ICU's dictionary
//    minimisation without the machinery around it (cjk_dictionary.h),
//    exact, tested against ICU like the scanner.
//  - The scanner's character classes come from ICU's own property data at
//    first use, so the two cannot drift apart by Unicode version; the two
//    ICU 72 tailorings that differ from the Word_Break property (':' is not
//    MidLetter, '@' joins like a letter) are applied explicitly and pinned by
//    tests.

namespace epubtok::text {

namespace {

// ---- UTF-8 decoding (strict: no overlongs, surrogates or values above
// U+10FFFF, per Unicode Table 3-7). Returns the sequence length, or 0 when
// the bytes at p do not start a well-formed sequence.
inline int decode_utf8(const uint8_t* p, const uint8_t* end, char32_t* cp) {
  const uint8_t b0 = p[0];
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  const ptrdiff_t avail = end - p;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (avail < 2 || (p[1] & 0xC0) != 0x80) return 0;
    *cp = (char32_t(b0 & 0x1F) << 6) | (p[1] & 0x3F);
    return 2;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (avail < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 0;
    if (b0 == 0xE0 && p[1] < 0xA0) return 0;   // overlong
    if (b0 == 0xED && p[1] >= 0xA0) return 0;  // surrogate
    *cp = (char32_t(b0 & 0x0F) << 12) | (char32_t(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (avail < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80) return 0;
    if (b0 == 0xF0 && p[1] < 0x90) return 0;   // overlong
    if (b0 == 0xF4 && p[1] >= 0x90) return 0;  // above U+10FFFF
    *cp = (char32_t(b0 & 0x07) << 18) | (char32_t(p[1] & 0x3F) << 12) | (char32_t(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
    return 4;
  }
  return 0;
}

inline bool is_ascii_space(uint8_t b) { return b == ' ' || (b >= 0x09 && b <= 0x0D); }

// ---- Character classes of the fast scanner.
enum Class : uint8_t {
  kComplex = 0,   // anything the scanner does not handle: ICU decides
  kOther,         // breaks on both sides (punctuation, symbols, non-ASCII spaces)
  kSpace,         // ASCII white space: like kOther, and a safe place to cut
  kLetter,        // WB ALetter (minus dictionary scripts), plus ICU's '@'
  kNumeric,       // WB Numeric
  kExtendNumLet,  // WB ExtendNumLet ('_', '‿', …)
  kMidLetter,     // WB MidLetter ('·', …), joins letters
  kMidNum,        // WB MidNum (',', ';', …), joins digits
  kMidNumLet,     // WB MidNumLet and Single_Quote ('.', '\'', '’', …)
  kTransparent,   // WB Extend/Format that is not Alphabetic (combining accents,
                  // soft hyphen, bidi marks, ZWNJ): ignored per WB4
};
constexpr uint8_t kAlnum = 0x10;  // flag: Alphabetic or decimal digit
constexpr uint8_t kClassMask = 0x0F;

// Code points below this have a table entry; the ranges the scanner handles
// are Latin, IPA, spacing modifiers, combining diacritics, Greek, Cyrillic,
// Armenian (0000–058F), Arabic (0600–06FF, 0750–077F), Devanagari
// (0900–097F), Georgian (10A0–10FF), Latin Extended Additional, Greek
// Extended and General Punctuation (1E00–206F). Everything else is kComplex.
// Hebrew is left out on purpose (WB7a–c), as are the dictionary scripts.
constexpr char32_t kTableSize = 0x2070;

bool is_alnum_cp(UChar32 c) {
  return u_hasBinaryProperty(c, UCHAR_ALPHABETIC) || u_charType(c) == U_DECIMAL_DIGIT_NUMBER;
}

uint8_t classify(UChar32 c) {
  const bool in_range = c < 0x0590 || (c >= 0x0600 && c < 0x0700) || (c >= 0x0750 && c < 0x0780) ||
                        (c >= 0x0900 && c < 0x0980) || (c >= 0x10A0 && c < 0x1100) || (c >= 0x1E00 && c < 0x2070);
  if (!in_range || u_charType(c) == U_UNASSIGNED) return kComplex;
  if (c < 0x80 && is_ascii_space(static_cast<uint8_t>(c))) return kSpace;
  // ICU 72 tailorings of the root word rules (CLDR): the colon does not join
  // letters, and '@' joins like a letter so e-mail addresses stay one word.
  if (c == ':') return kOther;
  if (c == '@') return kLetter;
  if (u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) || (c >= 0x80 && u_hasBinaryProperty(c, UCHAR_EMOJI)))
    return kComplex;
  if (u_getIntPropertyValue(c, UCHAR_LINE_BREAK) == U_LB_COMPLEX_CONTEXT || u_hasBinaryProperty(c, UCHAR_IDEOGRAPHIC) ||
      u_getIntPropertyValue(c, UCHAR_HANGUL_SYLLABLE_TYPE) != U_HST_NOT_APPLICABLE)
    return kComplex;
  uint8_t cls;
  switch (u_getIntPropertyValue(c, UCHAR_WORD_BREAK)) {
    case U_WB_ALETTER: cls = kLetter; break;
    case U_WB_NUMERIC: cls = kNumeric; break;
    case U_WB_EXTENDNUMLET: cls = kExtendNumLet; break;
    case U_WB_MIDLETTER: cls = kMidLetter; break;
    case U_WB_MIDNUM: cls = kMidNum; break;
    case U_WB_MIDNUMLET:
    case U_WB_SINGLE_QUOTE: cls = kMidNumLet; break;
    case U_WB_OTHER:
    case U_WB_CR:
    case U_WB_LF:
    case U_WB_NEWLINE:
    case U_WB_WSEGSPACE:
    case U_WB_DOUBLE_QUOTE:  // joins only Hebrew letters, which are kComplex
      cls = kOther;
      break;
    case U_WB_EXTEND:
    case U_WB_FORMAT:
      // WB4 makes these invisible to the rules after any character but a
      // line break or the start of text, where they form a segment of their
      // own; either way they never start, end or join a run. An Alphabetic
      // one (vowel sign, Arabic haraka) inside a run makes it a word.
      cls = kTransparent;
      break;
    default:  // ZWJ (WB3c), Katakana, Hebrew_Letter, Regional_Indicator, …
      return kComplex;
  }
  return static_cast<uint8_t>(cls | (is_alnum_cp(c) ? kAlnum : 0));
}

const std::array<uint8_t, kTableSize>& class_table() {
  static const std::array<uint8_t, kTableSize> table = [] {
    std::array<uint8_t, kTableSize> t{};
    for (char32_t c = 0; c < kTableSize; ++c) t[c] = classify(static_cast<UChar32>(c));
    return t;
  }();
  return table;
}

// ---- ICU.

[[noreturn]] void icu_failure(const char* what, UErrorCode err) {
  // Only possible if ICU's data library is broken: the build links it
  // statically into the binary, so this is an installation error.
  std::fprintf(stderr, "epubtok: ICU %s failed: %s\n", what, u_errorName(err));
  std::abort();
}

const icu::BreakIterator& prototype_iterator() {
  static const std::unique_ptr<icu::BreakIterator> proto = [] {
    UErrorCode err = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> bi(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), err));
    if (U_FAILURE(err) || !bi) icu_failure("createWordInstance", err);
    return bi;
  }();
  return *proto;
}

// Creating a word iterator loads rules and dictionaries (~ms); cloning is
// cheaper, and each thread keeps its clone, its UText and its UTF-16 buffer
// for its lifetime.
//
// ICU's answer depends on history: the dictionary engine for a range is
// chosen by the script of the range's first character, unless an engine
// already loaded (ICU caches them process-wide) takes that character. A run
// of kana starting with the prolonged sound mark U+30FC (Common script) is
// therefore one word before the process has met any kanji and several
// after (tested). Each clone is shown a kanji first, so ICU is always in
// that second, steady state and a book's count never depends on what was
// counted before it.
struct ThreadIcu {
  std::unique_ptr<icu::BreakIterator> bi{prototype_iterator().clone()};
  UText* text = nullptr;
  std::vector<UChar> utf16;
  ThreadIcu() {
    UErrorCode err = U_ZERO_ERROR;
    static const UChar kKanji[] = {0x4E2D, 0x6587};
    text = utext_openUChars(nullptr, kKanji, 2, &err);
    bi->setText(text, err);
    if (U_FAILURE(err)) icu_failure("BreakIterator::setText", err);
    while (bi->next() != icu::BreakIterator::DONE) {
    }
  }
  ~ThreadIcu() { utext_close(text); }
};

ThreadIcu& thread_icu() {
  thread_local ThreadIcu icu;
  return icu;
}

bool segment_has_alnum(const UChar* s, int32_t begin, int32_t end) {
  const auto& table = class_table();
  int32_t i = begin;
  while (i < end) {
    UChar32 c;
    U16_NEXT(s, i, end, c);
    if (static_cast<char32_t>(c) < kTableSize && table[c] != kComplex) {
      if (table[c] & kAlnum) return true;
    } else if (is_alnum_cp(c)) {
      return true;
    }
  }
  return false;
}

// Words in [begin, end) by ICU alone, for a piece that starts and ends at
// boundaries. ICU gets UTF-16: its dictionary engines (CJK, Thai) work in
// UTF-16 and run faster fed UTF-16 directly than through a UTF-8 UText,
// conversion included. Ill-formed UTF-8 becomes U+FFFD (one per maximal
// ill-formed subsequence), which is Word_Break Other and never in a word.
uint64_t icu_count_piece(const uint8_t* begin, const uint8_t* end) {
  ThreadIcu& icu = thread_icu();
  const int32_t len = static_cast<int32_t>(end - begin);
  if (icu.utf16.size() < static_cast<size_t>(len) + 1) icu.utf16.resize(static_cast<size_t>(len) + 1);
  int32_t units = 0;
  UErrorCode err = U_ZERO_ERROR;
  u_strFromUTF8WithSub(icu.utf16.data(), len + 1, &units, reinterpret_cast<const char*>(begin), len, 0xFFFD, nullptr,
                       &err);
  if (U_FAILURE(err)) icu_failure("u_strFromUTF8WithSub", err);
  icu.text = utext_openUChars(icu.text, icu.utf16.data(), units, &err);
  if (U_FAILURE(err)) icu_failure("utext_openUChars", err);
  icu.bi->setText(icu.text, err);
  if (U_FAILURE(err)) icu_failure("BreakIterator::setText", err);
  uint64_t words = 0;
  int32_t prev = 0;
  for (int32_t pos = icu.bi->next(); pos != icu::BreakIterator::DONE; prev = pos, pos = icu.bi->next()) {
    if (icu.bi->getRuleStatus() >= UBRK_WORD_NUMBER && segment_has_alnum(icu.utf16.data(), prev, pos)) ++words;
  }
  return words;
}

// Words in [begin, end) by ICU alone. Long texts are cut just before ASCII
// white space (always a boundary, see above) into pieces of about
// kPieceBytes, which keeps the UTF-16 buffer small and cache-friendly and the
// offsets within int32_t. A text with no ASCII white space in 1 GiB is cut
// anyway (at a code point boundary; the only inexact case).
uint64_t icu_count(const uint8_t* begin, const uint8_t* end) {
  constexpr ptrdiff_t kPieceBytes = ptrdiff_t{4} << 20, kMaxPiece = ptrdiff_t{1} << 30;
  uint64_t words = 0;
  while (end - begin > kPieceBytes) {
    const uint8_t* cut = begin + kPieceBytes;
    while (cut < end && cut - begin < kMaxPiece && !is_ascii_space(*cut)) ++cut;
    if (cut < end && cut - begin >= kMaxPiece) {
      while ((*cut & 0xC0) == 0x80) --cut;
    }
    words += icu_count_piece(begin, cut);
    begin = cut;
  }
  return words + icu_count_piece(begin, end);
}

// Where the ICU region that must contain the complex character at q ends: at
// the first ASCII white space after it, unless another complex character
// follows within kJoinGap bytes, in which case the region extends over it
// (fewer, longer ICU calls for scripts where most words are complex), up to
// about kMaxRegion bytes.
const uint8_t* icu_region_end(const uint8_t* q, const uint8_t* end) {
  constexpr ptrdiff_t kJoinGap = 64, kMaxRegion = ptrdiff_t{1} << 20;
  const uint8_t* const start = q;
  const auto& table = class_table();
  for (;;) {
    while (q < end && !is_ascii_space(*q)) ++q;
    if (q == end) return end;
    const uint8_t* const space = q;
    if (space - start >= kMaxRegion) return space;
    const uint8_t* const limit = end - q > kJoinGap ? q + kJoinGap : end;
    const uint8_t* next_complex = nullptr;
    while (q < limit) {
      if (*q < 0x80) {
        ++q;
        continue;
      }
      char32_t cp;
      const int len = decode_utf8(q, end, &cp);
      if (len == 0 || cp >= kTableSize || table[cp] == kComplex) {
        next_complex = q;
        break;
      }
      q += len;
    }
    if (!next_complex) return space;
    q = next_complex;
  }
}

// Words in [begin, end), a piece that starts and ends at boundaries, by ICU
// except for the runs of kana and kanji that the CJK dictionary path counts
// exactly (see cjk_dictionary.h). The piece is cut wherever a kana/kanji and
// a delimiter meet: UAX #29 and ICU always break there and no rule looks
// across, so the parts count independently. Parts made only of kana and
// kanji are one dictionary range each (the piece itself starts at ASCII
// white space or the text's start and ends before ASCII white space or at
// the text's end, boundaries as hard as a delimiter); parts made only of
// delimiters hold no word; the rest goes to ICU.
uint64_t complex_count(const uint8_t* begin, const uint8_t* end) {
  const uint8_t* const cjk_class = cjk::class_table();
  uint64_t words = 0;
  const uint8_t* part = begin;
  bool all_kana_kanji = true, all_delimiters = true;
  uint8_t prev = cjk::kNeither;
  thread_local std::u16string run;  // the part's UTF-16, while it may be a run
  run.clear();
  auto count_part = [&](const uint8_t* part_end) {
    if (part_end == part || all_delimiters) return;
    if (all_kana_kanji) {
      words += cjk::count_run_words(run);
    } else {
      words += icu_count(part, part_end);
    }
  };
  for (const uint8_t* p = begin; p < end;) {
    char32_t cp = 0;
    int len = *p < 0x80 ? (cp = *p, 1) : decode_utf8(p, end, &cp);
    const uint8_t kind = len == 0 || cp >= 0x10000 ? uint8_t{cjk::kNeither} : cjk_class[cp];
    if ((kind == cjk::kKanaKanji && prev == cjk::kDelimiter) || (kind == cjk::kDelimiter && prev == cjk::kKanaKanji)) {
      count_part(p);
      part = p;
      all_kana_kanji = all_delimiters = true;
      run.clear();
    }
    all_kana_kanji &= kind == cjk::kKanaKanji;
    all_delimiters &= kind == cjk::kDelimiter;
    if (all_kana_kanji) run.push_back(static_cast<char16_t>(cp));
    prev = kind;
    p += len == 0 ? 1 : len;
  }
  count_part(end);
  return words;
}

}  // namespace

bool fast_scanner_handles(char32_t c) { return c < kTableSize && class_table()[c] != kComplex; }

uint64_t count_words_icu(std::string_view utf8) {
  const auto* b = reinterpret_cast<const uint8_t*>(utf8.data());
  return icu_count(b, b + utf8.size());
}

uint64_t count_words(std::string_view utf8) {
  const auto& table = class_table();
  const auto* p = reinterpret_cast<const uint8_t*>(utf8.data());
  const uint8_t* const end = p + utf8.size();

  uint64_t words = 0;
  // The start of the current piece (just before ASCII white space, or where
  // the text or the last ICU region ended) and the count up to it.
  const uint8_t* piece = p;
  uint64_t words_at_piece = 0;
  // Scanner state: the class of the last character of the current run of
  // letters/digits/connectors (kOther when not in a run), whether the run
  // holds a letter or digit, and a pending MidLetter/MidNum/MidNumLet right
  // after the run, waiting for the next character to decide WB6/7/11/12.
  uint8_t last = kOther;
  bool run_alnum = false;
  uint8_t mid = 0;
  bool mid_alnum = false;  // an Alphabetic mark attached to the pending Mid

  while (p < end) {
    uint8_t entry;
    int len = 1;
    if (*p < 0x80) {
      entry = table[*p];
    } else {
      char32_t cp;
      len = decode_utf8(p, end, &cp);
      entry = (len == 0 || cp >= kTableSize) ? uint8_t{kComplex} : table[cp];
    }
    uint8_t cls = entry & kClassMask;
    // ICU 72 departs from WB4 after a connector: "b_\u00AD.c" is one segment
    // and "1x_\u00AD;" gets status NONE (its rule chaining lets the generic
    // "X (Extend|Format)+" rule take over). Only ICU knows; let it decide.
    if (cls == kTransparent && last == kExtendNumLet) cls = kComplex;
    if (cls == kComplex) {
      // Hand the whole piece to ICU, from its start.
      const uint8_t* region_end = icu_region_end(p, end);
      words = words_at_piece + complex_count(piece, region_end);
      p = piece = region_end;
      words_at_piece = words;
      last = kOther;
      run_alnum = false;
      mid = 0;
      continue;
    }
    p += len;
    if (cls == kTransparent) {
      // Part of the run's segment when it follows the run, or follows a
      // pending Mid character that turns out to join (WB4 then WB6/7/11/12).
      if (mid) {
        mid_alnum |= (entry & kAlnum) != 0;
      } else if (last != kOther) {
        run_alnum |= (entry & kAlnum) != 0;
      }
      continue;
    }
    if (mid) {
      const bool join = (cls == kLetter && last == kLetter && mid != kMidNum) ||
                        (cls == kNumeric && last == kNumeric && mid != kMidLetter);
      mid = 0;
      if (join) {  // WB7 / WB11: "don't", "3.14", "U.S.A"
        run_alnum |= (entry & kAlnum) != 0 || mid_alnum;
        continue;
      }
      words += run_alnum;
      last = kOther;
      run_alnum = false;
    }
    switch (cls) {
      case kLetter:
      case kNumeric:
      case kExtendNumLet:  // WB5, WB8–WB10, WB13a/b: all join each other
        run_alnum = (last == kOther ? false : run_alnum) || (entry & kAlnum);
        last = cls;
        // Most bytes of prose are ASCII letters inside a word: skip them in a
        // tight loop (the hot path; it alone doubles the English speed).
        // Two-byte letters (accented Latin, Greek, Cyrillic, Arabic…) stay
        // in the loop too.
        if (cls == kLetter) {
          const uint8_t* q = p;
          for (;;) {
            q += ascii_letter_run_end(q, static_cast<size_t>(end - q), 0);
            const uint8_t* r = q;
            while (end - r >= 2 && r[0] >= 0xC2 && r[0] <= 0xDF && (r[1] & 0xC0) == 0x80 &&
                   table[(char32_t{r[0] & 0x1Fu} << 6) | (r[1] & 0x3Fu)] == (kLetter | kAlnum))
              r += 2;
            if (r == q) break;
            q = r;
          }
          if (q != p) {
            run_alnum = true;
            p = q;
          }
        }
        break;
      case kMidLetter:
      case kMidNum:
      case kMidNumLet:
        if ((last == kLetter && cls != kMidNum) || (last == kNumeric && cls != kMidLetter)) {
          mid = cls;  // WB6 / WB12 need the next character
          mid_alnum = false;
          break;
        }
        words += run_alnum;
        last = kOther;
        run_alnum = false;
        break;
      case kSpace:
        words += run_alnum;
        last = kOther;
        run_alnum = false;
        piece = p - 1;
        words_at_piece = words;
        break;
      default:  // kOther
        words += run_alnum;
        last = kOther;
        run_alnum = false;
        break;
    }
  }
  return words + run_alnum;
}

// Bytes of an 8-byte ASCII word that are ASCII white space (0x09–0x0D,
// 0x20), counted without branches: the character count of ASCII text runs at
// memory speed instead of one table lookup per byte.
inline int ascii_space_bytes(uint64_t v) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  // Exact zero-byte test of v ^ 0x20…: high bit set where the byte was ' '.
  const uint64_t x = v ^ (kOnes * 0x20);
  const uint64_t is_space = ~(((x & ~kHigh) + ~kHigh) | x) & kHigh;
  // Bytes are < 0x80, so adding 0x77 / 0x72 cannot carry into the next byte:
  // the high bit says b >= 9, resp. b >= 14.
  const uint64_t in_range = (v + kOnes * 0x77) & ~(v + kOnes * 0x72) & kHigh;
  // Only the high bit of each byte can be set: shift them to bit 0 of each
  // byte and sum the bytes with one multiply (no popcount instruction is
  // assumed; the portable __builtin_popcountll is a libgcc call).
  return static_cast<int>((((is_space | in_range) >> 7) * kOnes) >> 56);
}

uint64_t count_chars(std::string_view utf8) {
  const auto* p = reinterpret_cast<const uint8_t*>(utf8.data());
  const uint8_t* const end = p + utf8.size();
  uint64_t chars = 0;
  while (p < end) {
    if (end - p >= 8) {
      uint64_t v;
      std::memcpy(&v, p, 8);
      if ((v & 0x8080808080808080ull) == 0) {
        chars += 8 - ascii_space_bytes(v);
        p += 8;
        continue;
      }
    }
    if (*p < 0x80) {
      chars += !is_ascii_space(*p);
      ++p;
      continue;
    }
    // Fast paths for the sequences book text is made of. No White_Space
    // character is encoded with a lead byte in C3–DF, so a well-formed pair
    // there (Latin-1 letters, Greek, Cyrillic, Hebrew, Arabic) is one
    // character. Three-byte sequences with a lead in E1–EF other than ED
    // (whose second byte is narrower, as is E0's) are well-formed whenever
    // both continuation bytes are; one branch for all of them keeps mixed
    // kana/kanji/punctuation text predictable.
    const uint8_t lead = *p;
    if (lead >= 0xC3 && lead <= 0xDF && end - p >= 2 && (p[1] & 0xC0) == 0x80) {
      ++chars;
      p += 2;
      continue;
    }
    if (lead >= 0xE1 && lead <= 0xEF && lead != 0xED && end - p >= 3 && (p[1] & 0xC0) == 0x80 &&
        (p[2] & 0xC0) == 0x80) {
      const char32_t c = (char32_t{lead & 0x0Fu} << 12) | (char32_t{p[1] & 0x3Fu} << 6) | (p[2] & 0x3Fu);
      chars += !is_white_space(c);
      p += 3;
      continue;
    }
    char32_t cp;
    const int len = decode_utf8(p, end, &cp);
    if (len == 0) {  // each byte of an ill-formed sequence is one character
      ++chars;
      ++p;
      continue;
    }
    chars += !is_white_space(cp);
    p += len;
  }
  return chars;
}

}  // namespace epubtok::text
