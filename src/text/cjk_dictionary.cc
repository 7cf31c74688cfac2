#include "text/cjk_dictionary.h"

#include <unicode/uchar.h>
#include <unicode/ucharstrie.h>
#include <unicode/udata.h>
#include <unicode/uniset.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

// Performance notes (text_bench, thread CPU time, generated Chinese and
// Japanese prose; see bench/RESULTS.md for the figures). ICU's own path
// costs per character: a rule-automaton step, UText calls, an NFKC check
// of every range, boundary-cache bookkeeping, and in the dictionary a
// binary search through the trie's root node of ~20,000 first characters.
// Here the root step is a table lookup (the trie state after every possible
// first character is saved once), the text is a plain UTF-16 array, and the
// rest is the same minimisation over the same trie.

namespace epubtok::text::cjk {
namespace {

[[noreturn]] void icu_failure(const char* what, UErrorCode err) {
  std::fprintf(stderr, "epubtok: ICU %s failed: %s\n", what, u_errorName(err));
  std::abort();
}

// ---- The engine's constants. These are ICU 72's (dictbe.cpp), restated:
// the result must equal ICU's, so they are facts to match, not choices.
constexpr int kMaxWordLength = 20;      // longest dictionary word tried
constexpr uint32_t kUnknownCost = 255;  // a character the dictionary lacks
constexpr int kMaxKatakanaRun = 20;     // runs this long get no run cost
constexpr uint32_t kKatakanaCost[] = {8192, 984, 408, 240, 204, 252, 300, 372, 480};

uint32_t katakana_run_cost(int length) {
  return length < static_cast<int>(std::size(kKatakanaCost)) ? kKatakanaCost[length] : 8192;
}

// ICU's own test, which is not the Katakana script: it includes the
// prolonged sound mark and the iteration marks and excludes the middle dot.
bool is_katakana(char16_t c) { return (c >= 0x30A1 && c <= 0x30FE && c != 0x30FB) || (c >= 0xFF66 && c <= 0xFF9F); }

// kKanaKanji characters all lie in [kFirst, kLast): Hiragana, Katakana, CJK
// Extension A and the CJK Unified Ideographs block.
constexpr char16_t kFirst = 0x3000, kLast = 0xA000;

// ICU's "cjdict" break dictionary: a header of int32 indexes (layout of
// ICU's dictionarydata.h), then a UCharsTrie of words whose values are their
// costs. Opened through the public udata API from ICU's data library.
class Dictionary {
 public:
  struct Match {
    int length;  // in UTF-16 units, which are characters here (BMP only)
    uint32_t cost;
  };

  Dictionary() {
    UErrorCode err = U_ZERO_ERROR;
    file_ = udata_open(U_ICUDATA_NAME U_TREE_SEPARATOR_STRING "brkitr", "dict", "cjdict", &err);
    if (U_FAILURE(err)) icu_failure("udata_open(brkitr/cjdict.dict)", err);
    const auto* indexes = static_cast<const int32_t*>(udata_getMemory(file_));
    constexpr int kTrieOffset = 0, kTrieType = 4, kTransform = 5;
    constexpr int32_t kTypeMask = 7, kTypeUChars = 1, kHasValues = 8;
    if ((indexes[kTrieType] & kTypeMask) != kTypeUChars || !(indexes[kTrieType] & kHasValues) ||
        indexes[kTransform] != 0) {
      std::fprintf(stderr, "epubtok: ICU's cjdict has an unexpected format (type %d, transform %d)\n",
                   indexes[kTrieType], indexes[kTransform]);
      std::abort();
    }
    trie_ = reinterpret_cast<const char16_t*>(reinterpret_cast<const char*>(indexes) + indexes[kTrieOffset]);
    roots_ = std::make_unique<Root[]>(kLast - kFirst);
    icu::UCharsTrie trie(trie_);
    for (char16_t c = kFirst; c < kLast; ++c) {
      Root& root = roots_[c - kFirst];
      root.result = trie.first(c);
      if (root.result != USTRINGTRIE_NO_MATCH) trie.saveState(root.state);
    }
  }
  ~Dictionary() { udata_close(file_); }
  icu::UCharsTrie new_trie() const { return icu::UCharsTrie(trie_); }
  Dictionary(const Dictionary&) = delete;
  Dictionary& operator=(const Dictionary&) = delete;

  // The dictionary words that start at run[i], shortest first, as ICU's
  // UCharsDictionaryMatcher::matches() finds them: following the trie until
  // it has no continuation, kMaxWordLength characters or the end of the run.
  // Writes at most kMaxWordLength matches to `out`; returns how many.
  // `trie` is scratch space from new_trie(), reused between calls.
  int matches(std::u16string_view run, size_t i, icu::UCharsTrie& trie, Match* out) const {
    const Root& root = roots_[run[i] - kFirst];
    UStringTrieResult result = root.result;
    if (result == USTRINGTRIE_NO_MATCH) return 0;
    trie.resetToState(root.state);
    int count = 0;
    for (int length = 1;; ++length) {
      if (USTRINGTRIE_HAS_VALUE(result)) {
        out[count++] = {length, static_cast<uint32_t>(trie.getValue())};
        if (result == USTRINGTRIE_FINAL_VALUE) break;
      } else if (result == USTRINGTRIE_NO_MATCH) {
        break;
      }
      if (length >= kMaxWordLength || i + length >= run.size()) break;
      result = trie.next(run[i + length]);
    }
    return count;
  }

 private:
  struct Root {
    UStringTrieResult result = USTRINGTRIE_NO_MATCH;  // of trie.first(c)
    icu::UCharsTrie::State state;                     // right after it
  };

  UDataMemory* file_ = nullptr;
  const char16_t* trie_ = nullptr;
  std::unique_ptr<Root[]> roots_;
};

const Dictionary& dictionary() {
  static const Dictionary dict;
  return dict;
}

uint8_t classify(UChar32 c, const icu::UnicodeSet& engine_set, const icu::UnicodeSet& chained) {
  if ((c >= 0xD800 && c <= 0xDFFF) || u_charType(c) == U_UNASSIGNED) return kNeither;
  const auto wb = static_cast<UWordBreakValues>(u_getIntPropertyValue(c, UCHAR_WORD_BREAK));
  const bool alphabetic = u_hasBinaryProperty(c, UCHAR_ALPHABETIC);
  UErrorCode err = U_ZERO_ERROR;  // (uscript_getScript needs one; it never fails for a code point)
  const UScriptCode script = uscript_getScript(c, &err);
  // NFKC_Quick_Check=Yes with combining class 0: no character that
  // decomposes, and none that can be the second of a composition, so any
  // string of them is already NFKC and the engine never normalises.
  const bool nfkc_yes = u_getIntPropertyValue(c, UCHAR_NFKC_QUICK_CHECK) == UNORM_YES && u_getCombiningClass(c) == 0;
  if (c >= kFirst && c < kLast && engine_set.contains(c) && chained.contains(c) && nfkc_yes && alphabetic &&
      (u_hasBinaryProperty(c, UCHAR_IDEOGRAPHIC) || script == USCRIPT_HIRAGANA || wb == U_WB_KATAKANA) &&
      wb != U_WB_EXTEND && wb != U_WB_FORMAT && wb != U_WB_ZWJ && wb != U_WB_EXTENDNUMLET) {
    return kKanaKanji;
  }
  switch (wb) {
    case U_WB_OTHER:
    case U_WB_CR:
    case U_WB_LF:
    case U_WB_NEWLINE:
    case U_WB_WSEGSPACE:
    case U_WB_MIDLETTER:  // these join letters or digits on both sides
    case U_WB_MIDNUM:     // (WB6/7, WB11/12), and kana and kanji are
    case U_WB_MIDNUMLET:  // neither
    case U_WB_SINGLE_QUOTE:
    case U_WB_DOUBLE_QUOTE:  // joins only Hebrew letters (WB7b/c)
      break;
    default: return kNeither;
  }
  const bool dictionary_char = engine_set.contains(c) || chained.contains(c) ||
                               u_getIntPropertyValue(c, UCHAR_LINE_BREAK) == U_LB_COMPLEX_CONTEXT ||
                               u_getIntPropertyValue(c, UCHAR_HANGUL_SYLLABLE_TYPE) != U_HST_NOT_APPLICABLE;
  if (alphabetic || u_charType(c) == U_DECIMAL_DIGIT_NUMBER || dictionary_char ||
      u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) || u_hasBinaryProperty(c, UCHAR_EMOJI))
    return kNeither;
  return kDelimiter;
}

const std::array<uint8_t, 0x10000>& build_class_table() {
  static const auto table = [] {
    UErrorCode err = U_ZERO_ERROR;
    // The characters ICU's CJK engine takes (its CjkBreakEngine set for
    // Chinese and Japanese) and those its word rules chain together for it
    // ($KanaKanji in word.txt: Han, Hiragana and Word_Break=Katakana).
    const icu::UnicodeSet engine_set(u"[[:Han:][:Hiragana:][:Katakana:]\\u30fc\\uff70\\uff9e\\uff9f]", err);
    const icu::UnicodeSet chained(u"[[:Han:][:Hiragana:][:Word_Break=Katakana:]]", err);
    if (U_FAILURE(err)) icu_failure("UnicodeSet", err);
    auto t = std::make_unique<std::array<uint8_t, 0x10000>>();
    for (UChar32 c = 0; c < 0x10000; ++c) (*t)[c] = classify(c, engine_set, chained);
    return t;
  }();
  return *table;
}

}  // namespace

const uint8_t* class_table() { return build_class_table().data(); }

uint64_t count_run_words(std::u16string_view run) {
  const Dictionary& dict = dictionary();
  const size_t n = run.size();
  if (n == 0) return 0;
  constexpr uint32_t kUnreached = UINT32_MAX;
  // best[i]: least cost of segmenting run[0, i); prev[i]: where the last
  // word of that segmentation starts. Ties keep the first found, as in ICU.
  thread_local std::vector<uint32_t> best;
  thread_local std::vector<uint32_t> prev;
  best.assign(n + 1, kUnreached);
  prev.resize(n + 1);
  best[0] = 0;
  auto relax = [&](size_t from, size_t to, uint32_t cost) {
    if (best[from] + cost < best[to]) {
      best[to] = best[from] + cost;
      prev[to] = static_cast<uint32_t>(from);
    }
  };
  Dictionary::Match found[kMaxWordLength + 1];
  icu::UCharsTrie trie = dict.new_trie();
  bool prev_katakana = false;
  for (size_t i = 0; i < n; ++i) {
    if (best[i] == kUnreached) continue;  // (as in ICU, before the Katakana state moves on)
    int count = dict.matches(run, i, trie, found);
    // A character that is no one-character word stands alone at the highest
    // cost, so every position stays reachable.
    if (count == 0 || found[0].length != 1) found[count++] = {1, kUnknownCost};
    for (int j = 0; j < count; ++j) relax(i, i + found[j].length, found[j].cost);
    // A run of Katakana is also a word candidate as a whole, at a cost that
    // depends on its length only.
    const bool katakana = is_katakana(run[i]);
    if (katakana && !prev_katakana) {
      int length = 1;
      while (i + length < n && length < kMaxKatakanaRun && is_katakana(run[i + length])) ++length;
      if (length < kMaxKatakanaRun) relax(i, i + length, katakana_run_cost(length));
    }
    prev_katakana = katakana;
  }
  if (best[n] == kUnreached) return 1;  // unreachable by construction; ICU then makes the run one segment
  uint64_t words = 0;
  for (size_t i = n; i > 0; i = prev[i]) ++words;
  return words;
}

}  // namespace epubtok::text::cjk
