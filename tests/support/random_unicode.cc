#include "support/random_unicode.h"

#include "support/splitmix.h"

#include <array>
#include <string_view>

namespace epubtok::test_support {

namespace {

uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

bool is_surrogate(char32_t cp) { return cp >= 0xD800 && cp <= 0xDFFF; }

// Every code point with the Unicode White_Space property (Unicode 15).
constexpr std::array<char32_t, 25> kWhiteSpace = {
    0x0009, 0x000A, 0x000B, 0x000C, 0x000D, 0x0020, 0x0085, 0x00A0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
    0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000};

struct Range {
  char32_t lo, hi;
  unsigned weight;
};

// Weighted ranges for kAnyScalar. Surrogates are excluded by construction
// (no range covers them except the "any BMP" one, which re-draws).
constexpr Range kAnyRanges[] = {
    {0x0020, 0x007E, 300},    // printable ASCII
    {0x0000, 0x001F, 25},     // C0 controls, incl. \t \n \v \f \r
    {0x007F, 0x009F, 10},     // DEL, C1 controls (U+0085 NEL)
    {0x00A0, 0x00FF, 70},     // Latin-1 supplement
    {0x0100, 0x024F, 40},     // Latin Extended-A/B
    {0x0300, 0x036F, 70},     // combining diacritical marks
    {0x0370, 0x03FF, 20},     // Greek
    {0x0400, 0x04FF, 25},     // Cyrillic
    {0x0590, 0x05FF, 15},     // Hebrew
    {0x0600, 0x06FF, 20},     // Arabic
    {0x0900, 0x097F, 20},     // Devanagari
    {0x0E00, 0x0E7F, 20},     // Thai
    {0x1100, 0x11FF, 10},     // Hangul conjoining jamo
    {0xAC00, 0xD7A3, 30},     // Hangul syllables
    {0x3040, 0x30FF, 30},     // hiragana, katakana
    {0x3000, 0x303F, 10},     // CJK symbols and punctuation
    {0x4E00, 0x9FFF, 80},     // CJK unified ideographs
    {0xFF00, 0xFFEF, 15},     // halfwidth and fullwidth forms
    {0x2000, 0x206F, 25},     // general punctuation (spaces, ZW*, bidi)
    {0x1F300, 0x1FAFF, 50},   // emoji and pictographs
    {0x1F3FB, 0x1F3FF, 10},   // skin-tone modifiers
    {0x1F1E6, 0x1F1FF, 10},   // regional indicators
    {0xFE00, 0xFE0F, 10},     // variation selectors
    {0x0000, 0xFFFF, 40},     // anything in the BMP (surrogates re-drawn)
    {0x10000, 0x10FFFF, 20},  // anything above the BMP
};

constexpr char32_t kSpecials[] = {0x200B, 0x200C, 0x200D, 0x2060,   0xFEFF,  0xFFFD, 0xFFFE, 0xFFFF,
                                  0xE000, 0xF8FF, 0xD7FF, 0x10FFFF, 0x10000, 0x20E3, 0x034F};

char32_t random_any(TestRng& rng) {
  static const unsigned total = [] {
    unsigned t = 0;
    for (const Range& r : kAnyRanges) t += r.weight;
    return t;
  }();
  const unsigned special_weight = 40, space_weight = 60;
  for (;;) {
    uint64_t pick = rng.below(total + special_weight + space_weight);
    if (pick < special_weight) return kSpecials[rng.below(std::size(kSpecials))];
    pick -= special_weight;
    if (pick < space_weight) return kWhiteSpace[rng.below(kWhiteSpace.size())];
    pick -= space_weight;
    for (const Range& r : kAnyRanges) {
      if (pick < r.weight) {
        char32_t cp = static_cast<char32_t>(r.lo + rng.below(r.hi - r.lo + 1));
        if (!is_surrogate(cp)) return cp;
        break;  // re-draw
      }
      pick -= r.weight;
    }
  }
}

struct Script {
  char32_t lo, hi;
};

// Letter ranges per script for kMixedScriptWords (some unassigned or non-letter
// code points slip in; that is fine for tests).
constexpr Script kScripts[] = {
    {U'a', U'z'},     {U'A', U'Z'},     {0x00E0, 0x00FF},    // Latin
    {0x0430, 0x044F}, {0x0391, 0x03C9},                      // Cyrillic, Greek
    {0x0627, 0x064A}, {0x05D0, 0x05EA},                      // Arabic, Hebrew
    {0x0905, 0x0939}, {0x0E01, 0x0E2E},                      // Devanagari, Thai
    {0x4E00, 0x9FA5}, {0x3041, 0x3096}, {0x30A1, 0x30FA},    // Han, kana
    {0xAC00, 0xD7A3}, {U'0', U'9'},     {0x1F600, 0x1F64F},  // Hangul, digits, emoji
};

constexpr std::string_view kSeparators[] = {
    " ", " ", " ", " ", "  ", "\t", "\n", "\r\n", "\n\n", "\xC2\xA0", "\xE3\x80\x80", " \n ", "\xE2\x80\x89"};
constexpr std::string_view kPunct[] = {
    ".", ",", "!", "?", "'", "\"", "-", "\xE2\x80\x94", "\xE3\x80\x82", ":", ";", "(", ")", "\xE2\x80\x99",
    "_", "@", "#"};

// Ranges for kRecentScalars (a few unassigned code points slip in).
constexpr Script kRecent[] = {
    {0x2EBF0, 0x2EE5D},  // 15.1: CJK Extension I (letters)
    {0x2FFC, 0x2FFF},    // 15.1: ideographic description characters (symbols)
    {0x10D40, 0x10D8F},  // 16.0: Garay (letters, digits, marks, punctuation)
    {0x105C0, 0x105F3},  // 16.0: Todhri (letters)
    {0x11380, 0x113E2},  // 16.0: Tulu-Tigalari (letters, marks, punctuation)
    {0x11BC0, 0x11BF9},  // 16.0: Sunuwar (letters, digits)
    {0x16100, 0x16139},  // 16.0: Gurung Khema (letters, marks, digits)
    {0x16D40, 0x16D79},  // 16.0: Kirat Rai (letters, punctuation, digits)
    {0x1E5D0, 0x1E5FF},  // 16.0: Ol Onal (letters, marks, digits, punctuation)
    {0x1CC00, 0x1CCF9},  // 16.0: legacy computing symbols and outlined digits
    {0x0897, 0x0897},    // 16.0: an Arabic mark
    {0x1B4E, 0x1B4F},    // 16.0: Balinese punctuation
    {0x11DE0, 0x11DE9},  // 17.0: digits
    {0x08D4, 0x08E2},    // 9.0: marks and a format character
    {0x2E43, 0x2E44},    // 9.0: punctuation
    {0x166D, 0x166D},    // punctuation until 10.0, then a symbol
    {0x111C9, 0x111C9},  // punctuation until 11.0, then a mark
    {0x07FD, 0x07FD},    // 11.0: a mark
    {0x1DF6, 0x1DF9},    // 10.0: marks
};

size_t count_cps(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

TestRng::TestRng(uint64_t seed) {
  SplitMix64 seeder{seed};
  for (uint64_t& s : s_) s = seeder.next();
}

uint64_t TestRng::next() {
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

std::string random_unicode(uint64_t seed, size_t n_codepoints, RandomUnicodeMode mode) {
  TestRng rng(seed ^ (static_cast<uint64_t>(mode) << 56));
  std::string out;
  out.reserve(n_codepoints * 3);
  switch (mode) {
    case RandomUnicodeMode::kAnyScalar:
      for (size_t i = 0; i < n_codepoints; ++i) append_utf8(out, random_any(rng));
      return out;
    case RandomUnicodeMode::kAscii: {
      static constexpr std::string_view kPunctAscii = "'.,:;_-!?\"()/@#&%$*+=<>[]{}|\\^`~";
      for (size_t i = 0; i < n_codepoints; ++i) {
        uint64_t r = rng.below(100);
        char c;
        if (r < 45)
          c = static_cast<char>('a' + rng.below(26));
        else if (r < 55)
          c = static_cast<char>('A' + rng.below(26));
        else if (r < 65)
          c = static_cast<char>('0' + rng.below(10));
        else if (r < 78)
          c = ' ';
        else if (r < 84)
          c = "'.,:;_-"[rng.below(7)];
        else if (r < 93)
          c = kPunctAscii[rng.below(kPunctAscii.size())];
        else if (r < 98)
          c = "\t\n\r\v\f"[rng.below(5)];
        else
          c = static_cast<char>(rng.below(128));
        out.push_back(c);
      }
      return out;
    }
    case RandomUnicodeMode::kMixedScriptWords: {
      size_t n = 0;
      while (n < n_codepoints) {
        const Script& s = kScripts[rng.below(std::size(kScripts))];
        const size_t len = rng.between(1, 12);
        for (size_t i = 0; i < len && n < n_codepoints; ++i, ++n)
          append_utf8(out, static_cast<char32_t>(s.lo + rng.below(s.hi - s.lo + 1)));
        if (n < n_codepoints && rng.chance(150)) {
          std::string_view p = kPunct[rng.below(std::size(kPunct))];
          out += p;
          n += count_cps(p);
        }
        if (n < n_codepoints) {
          std::string_view sep = kSeparators[rng.below(std::size(kSeparators))];
          out += sep;
          n += count_cps(sep);
        }
      }
      // A separator or punctuation may overshoot by a code point or two.
      while (n > n_codepoints) {
        size_t start = out.size() - 1;
        while ((static_cast<unsigned char>(out[start]) & 0xC0) == 0x80) --start;
        out.resize(start);
        --n;
      }
      return out;
    }
    case RandomUnicodeMode::kRecentScalars: {
      size_t n = 0;
      while (n < n_codepoints) {
        const size_t len = rng.between(1, 8);
        for (size_t i = 0; i < len && n < n_codepoints; ++i, ++n) {
          const uint64_t r = rng.below(10);
          const Script& s = r < 7 ? kRecent[rng.below(std::size(kRecent))] : r < 9 ? kScripts[0] : kScripts[13];
          append_utf8(out, static_cast<char32_t>(s.lo + rng.below(s.hi - s.lo + 1)));
        }
        if (n < n_codepoints) {
          const std::string_view sep = rng.chance(300) ? kPunct[rng.below(std::size(kPunct))] : " ";
          out += sep;
          n += count_cps(sep);
        }
      }
      return out;
    }
  }
  return out;
}

std::string random_fragment_string(std::mt19937_64& rng, const std::vector<std::string>& fragments, size_t max_pieces) {
  std::uniform_int_distribution<size_t> length(1, max_pieces);
  std::uniform_int_distribution<size_t> pick(0, fragments.size() - 1);
  std::string s;
  for (size_t n = length(rng); n > 0; --n) s += fragments[pick(rng)];
  return s;
}

}  // namespace epubtok::test_support
