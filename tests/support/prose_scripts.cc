// generate_script_book() and generate_whitespace_book(): book-like text per
// script for the single-pass benchmarks (see prose.h). Each language has a
// word maker that builds pseudo-words from its script's syllables (onset,
// vowel, coda, with the script's combining marks and conjuncts); a lexicon of
// such words, the language's function words first, is drawn by a
// Zipf-Mandelbrot law, so the number of distinct words keeps growing with
// length. Everything here is written for this project.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "support/prose.h"
#include "support/random_unicode.h"
#include "support/splitmix.h"

namespace epubtok::test_support {

namespace {

struct Rng : SplitMix64 {
  bool chance(unsigned per_10000) { return below(10000) < per_10000; }
  // Index in [0, n), skewed toward the front of a list (density falls
  // linearly), so earlier entries of the letter tables are commoner.
  size_t skewed(size_t n) { return std::min(below(n), below(n)); }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[skewed(v.size())];
  }
  template <class T>
  const T& uniform(const std::vector<T>& v) {
    return v[below(v.size())];
  }
};

std::vector<std::string> split_on(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start) out.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string utf8(char32_t c) {
  std::string s;
  append_utf8(s, c);
  return s;
}

// Each UTF-8 character of `s` as its own string (for character inventories).
std::vector<std::string> chars_of(std::string_view s) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < s.size();) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    const size_t len = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
    std::string c(s.substr(i, len));
    i += len;
    if (c == " ") continue;
    if (seen.insert(c).second) out.push_back(std::move(c));
  }
  return out;
}

char32_t first_cp(std::string_view s, size_t* len) {
  const unsigned char b = static_cast<unsigned char>(s[0]);
  if (b < 0x80) {
    *len = 1;
    return b;
  }
  const size_t n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
  char32_t cp = b & (0x3F >> (n - 1));
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[k]) & 0x3F);
  *len = n;
  return cp;
}

std::string capitalise(std::string_view w) {
  if (w.empty()) return std::string(w);
  size_t len = 0;
  const char32_t c = first_cp(w, &len);
  return utf8(detail::prose_upper(c, false)) + std::string(w.substr(len));
}

// ---- Word makers, one per language. `rank` is the word's place in the
// lexicon: rarer words are longer, as in real text.

using WordMaker = std::string (*)(Rng&, size_t rank);

size_t syllables_for(Rng& rng, size_t rank, size_t base) {
  const size_t extra = rank < 2000 ? 0 : rank < 15000 ? 1 : 2;
  return base + rng.below(2 + extra);
}

std::string latin_like(Rng& rng, size_t rank, const std::vector<std::string>& onsets,
                       const std::vector<std::string>& vowels, const std::vector<std::string>& codas,
                       const std::vector<std::string>& suffixes) {
  std::string w;
  const size_t n = syllables_for(rng, rank, 1);
  for (size_t k = 0; k < n; ++k) {
    w += rng.pick(onsets);
    w += rng.pick(vowels);
    if (k + 1 == n || rng.chance(2500)) w += rng.pick(codas);
  }
  if (rank > 300 && rng.chance(4000)) w += rng.pick(suffixes);
  return w;
}

std::string make_fr(Rng& rng, size_t rank) {
  static const auto on = split_on("_ b c d f g j l m n p qu r s t v ch gr tr pl br cr pr fl gl", ' ');
  static const auto vo = split_on("a e i o é ou ai au an en on u è eau oi in ê â eu ie î ô û y ë ï œu", ' ');
  static const auto co = split_on("_ _ _ r s l n t x c", ' ');
  static const auto su = split_on("ment tion ique eux euse aient ait er ée és ance ité oir age", ' ');
  std::string w = latin_like(rng, rank, on, vo, co, su);
  w.erase(std::remove(w.begin(), w.end(), '_'), w.end());
  return w;
}

std::string make_de(Rng& rng, size_t rank) {
  static const auto on = split_on("_ b d f g h k l m n r s t w z sch st sp pf kr fr gr br tr bl fl", ' ');
  static const auto vo = split_on("e a i o u ei au ä ü ö ie eu", ' ');
  static const auto co = split_on("_ n r s t ch ck ng nd st ß tz ft cht l m", ' ');
  static const auto su = split_on("ung heit keit lich isch chen en er te ern ig", ' ');
  std::string w = latin_like(rng, rank, on, vo, co, su);
  w.erase(std::remove(w.begin(), w.end(), '_'), w.end());
  // Long compounds (Donau-dampf-schiff…): German writes them as one word.
  if (rank > 1000 && rng.chance(2500)) w += latin_like(rng, rank, on, vo, co, su);
  w.erase(std::remove(w.begin(), w.end(), '_'), w.end());
  // About a third of the lexicon is nouns, always capitalised.
  if (rank > 200 && rng.chance(3500)) w = capitalise(w);
  return w;
}

std::string make_ru(Rng& rng, size_t rank) {
  static const auto on = split_on("_ б в г д ж з к л м н п р с т ф х ц ч ш щ пр ст тр кр бр гр др вз сл", ' ');
  static const auto vo = split_on("о а е и у ы я ю ё э", ' ');
  static const auto co = split_on("_ _ й н р л с т к м", ' ');
  static const auto su = split_on("ый ая ое ого ому ать ить ение ость ами ах ов ей ться ский ства", ' ');
  std::string w = latin_like(rng, rank, on, vo, co, su);
  w.erase(std::remove(w.begin(), w.end(), '_'), w.end());
  return w;
}

std::string make_el(Rng& rng, size_t rank) {
  static const auto on = split_on("_ κ λ μ ν π ρ σ τ φ χ θ δ γ β ζ ξ ψ στ κρ πρ τρ", ' ');
  static const auto vo = split_on("α ε ο ι η υ ω αι ει οι ου", ' ');
  static const auto acc = split_on("ά έ ό ί ή ύ ώ αί εί οί ού", ' ');
  static const auto end = split_on("ος ης ας ες α η ο ι ου ων ει", ' ');
  const size_t n = syllables_for(rng, rank, 1);
  const size_t stressed = rng.below(n + 1);  // n: the ending carries the accent (unaccented here)
  std::string w;
  for (size_t k = 0; k < n; ++k) {
    std::string on_k = rng.pick(on);
    if (on_k != "_") w += on_k;
    const size_t v = rng.skewed(vo.size());
    w += (k == stressed ? acc : vo)[v];
  }
  w += rng.pick(end);
  return w;
}

// Arabic and Hebrew: a three-consonant root poured into a pattern
// ('1' '2' '3' stand for the root's letters), with prefixes and suffixes.
std::string semitic(Rng& rng, const std::vector<std::string>& letters, const std::vector<std::string>& patterns,
                    const std::vector<std::string>& prefixes, const std::vector<std::string>& suffixes,
                    unsigned prefix_chance, unsigned suffix_chance) {
  const std::string root[3] = {rng.uniform(letters), rng.uniform(letters), rng.uniform(letters)};
  std::string w;
  if (rng.chance(prefix_chance)) w += rng.pick(prefixes);
  for (char c : rng.pick(patterns)) {
    if (c >= '1' && c <= '3')
      w += root[c - '1'];
    else
      w += c;
  }
  if (rng.chance(suffix_chance)) w += rng.pick(suffixes);
  return w;
}

std::string make_ar(Rng& rng, size_t) {
  static const auto letters = chars_of("بتثجحخدذرزسشصضطظعغفقكلمنهوي");
  static const auto patterns =
      split_on("123 1ا23 12ا3 12ي3 12و3 م12و3 م123 ت12ي3 ا123 1ا2ي3 م1ا23 است123 ي123 ت123 ن123", ' ');
  static const auto pre = split_on("ال و ب ل ف وال بال لل كال س", ' ');
  static const auto suf = split_on("ة ات ون ين ها هم ي ك نا وا ان ية", ' ');
  std::string w = semitic(rng, letters, patterns, pre, suf, 4500, 4000);
  // A few words fully vowelled (Qur'anic and teaching texts): fatha,
  // kasra or damma after each letter, sukun or shadda now and then.
  if (rng.chance(300)) {
    static const auto harakat = split_on("\u064E \u0650 \u064F \u0652 \u0651\u064E", ' ');
    std::string v;
    size_t len = 0;
    for (size_t i = 0; i < w.size(); i += len) {
      first_cp(std::string_view(w).substr(i), &len);
      v.append(w, i, len);
      v += rng.pick(harakat);
    }
    w = v;
  }
  return w;
}

std::string make_he(Rng& rng, size_t) {
  static const auto letters = chars_of("אבגדהוזחטיכלמנסעפצקרשת");
  static const auto patterns = split_on("123 1ו23 12ו3 12י3 מ123 ה123 ת123 1י23 1ו2ו3 מ12ו3", ' ');
  static const auto pre = split_on("ה ו ב ל מ ש וה שה כ", ' ');
  static const auto suf = split_on("ים ות ה ת י נו כם הם תי", ' ');
  std::string w = semitic(rng, letters, patterns, pre, suf, 4000, 3500);
  // Final forms at the end of a word.
  static const std::map<std::string, std::string> finals = {{"כ", "ך"}, {"מ", "ם"}, {"נ", "ן"}, {"פ", "ף"}, {"צ", "ץ"}};
  if (w.size() >= 2) {
    const auto it = finals.find(w.substr(w.size() - 2));
    if (it != finals.end()) w.replace(w.size() - 2, 2, it->second);
  }
  return w;
}

// Devanagari (Hindi, Sanskrit) and Bengali share one layout (ISCII order):
// the same offsets from the block's start name the same letters.
struct Indic {
  char32_t base;
  unsigned conjunct;  // per 10,000 syllables: onset is C + virama + C
  unsigned triple;    // per 10,000 conjuncts: a third consonant
  unsigned anusvara;  // per 10,000 syllables
  unsigned visarga;   // per 10,000 words, at the end
  unsigned initial_vowel;
  size_t min_syllables;
  bool bengali;
};

std::string indic_word(Rng& rng, size_t rank, const Indic& s) {
  // Consonant offsets, commonest first: k t n m r s p d y v l h g c j b bh dh sh ś ṭ ḍ ṇ kh gh ch th ph jh ṣ
  static const std::vector<char32_t> cons = {0x15, 0x24, 0x28, 0x2E, 0x30, 0x38, 0x2A, 0x26, 0x2F, 0x35,
                                             0x32, 0x39, 0x17, 0x1A, 0x1C, 0x2C, 0x2D, 0x27, 0x36, 0x37,
                                             0x1F, 0x21, 0x23, 0x16, 0x18, 0x1B, 0x25, 0x2B, 0x1D, 0x20};
  // Vowel signs ā i ī u ū ṛ e ai o au, and the inherent a (0).
  static const std::vector<char32_t> matras = {0, 0x3E, 0, 0x3F, 0x47, 0x40, 0x41, 0x4B, 0x42, 0x48, 0x43, 0x4C};
  static const std::vector<char32_t> vowels = {0x05, 0x06, 0x07, 0x09, 0x0F, 0x08, 0x13, 0x0A, 0x10, 0x0B, 0x14};
  auto c = [&](char32_t off) {
    if (s.bengali && off == 0x35) off = 0x2C;  // Bengali writes va as ba
    return utf8(s.base + off);
  };
  std::string w;
  const size_t n = syllables_for(rng, rank, s.min_syllables);
  for (size_t k = 0; k < n; ++k) {
    if (k == 0 && rng.chance(s.initial_vowel)) {
      w += c(rng.pick(vowels));
    } else {
      w += c(rng.pick(cons));
      if (k > 0 && rng.chance(s.conjunct)) {
        w += c(0x4D);  // virama: the next consonant joins this one
        if (rng.chance(s.triple)) {
          w += c(rng.pick(cons));
          w += c(0x4D);
        }
        w += c(rng.pick(cons));
      }
      const char32_t m = rng.pick(matras);
      if (m) w += c(m);
    }
    if (rng.chance(s.anusvara)) w += c(rng.chance(8000) ? 0x02 : 0x01);
  }
  if (rng.chance(s.visarga)) w += c(0x03);
  return w;
}

std::string make_hi(Rng& rng, size_t rank) {
  static const Indic s{0x0900, 1200, 300, 500, 0, 1200, 1, false};
  return indic_word(rng, rank, s);
}

std::string make_sa(Rng& rng, size_t rank) {
  static const Indic s{0x0900, 3000, 900, 800, 1500, 1500, 2, false};
  std::string w = indic_word(rng, rank, s);
  // Stems ending in -m take the virama in pausa (…म्).
  if (rng.chance(1200)) w += "म्";
  return w;
}

std::string make_bn(Rng& rng, size_t rank) {
  static const Indic s{0x0980, 1400, 300, 400, 0, 1200, 1, true};
  return indic_word(rng, rank, s);
}

std::string make_th(Rng& rng, size_t rank) {
  static const auto cons = chars_of("นกมรงดทบคลสยวอหพตจปชขซผฟถศษณญฐธภฉฮฆฑฒฌ");
  static const auto clusters = split_on("กร กล คร คล ปร ปล พร พล ตร ขว คว", ' ');
  // 'C' is the initial consonant; '+' marks where a tone mark may go (after
  // the consonant and any vowel above or below it);
  // '|' ends a pattern that takes no final consonant.
  static const auto patterns =
      split_on("C+า C+ะ| Cิ+ Cี+ Cึ+ Cื+ Cุ+ Cู+ เC+ แC+ โC+ ใC+| ไC+| Cั+ C+ำ| เC+า| เCี+ย เCื+อ Cั+ว เC+อ C+", ' ');
  static const auto finals = split_on("น ม ง ก ด บ ย ว", ' ');
  static const auto tones = split_on("่ ้ ๊ ๋", ' ');
  std::string w;
  const size_t n = syllables_for(rng, rank, 1);
  for (size_t k = 0; k < n; ++k) {
    const std::string& p = rng.pick(patterns);
    const std::string onset = rng.chance(1000) ? rng.uniform(clusters) : rng.pick(cons);
    const bool open_only = p.back() == '|';
    const bool needs_final = p == "Cั+" || p == "C+";
    for (char ch : p) {
      if (ch == 'C') {
        w += onset;
      } else if (ch == '+') {
        if (rng.chance(3500)) w += rng.pick(tones);
      } else if (ch != '|') {
        w += ch;
      }
    }
    if (!open_only && (needs_final || rng.chance(4500))) w += rng.pick(finals);
  }
  return w;
}

// The first kCommonHan characters of han() are the written common ones.
constexpr size_t kCommonHan = 600;

// A Han character inventory: common characters first (written for this
// generator), then a deterministic tail from the CJK block (rare
// characters, as real books have a long tail of them).
const std::vector<std::string>& han() {
  static const std::vector<std::string> chars = [] {
    std::vector<std::string> v = chars_of(
        "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里"
        "后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动"
        "两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几"
        "很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五"
        "太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反"
        "合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统"
        "色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留"
        "红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄"
        "德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专"
        "石若兵弟谁校读志飞观争究包组造落视济喜离虽坐集编宝谈府拉黑且随格尽剑讲布杀微怕母调局根曾准团段终乐"
        "切级克精哪官示冷域仿复雪春秋冬夏雨云河湖桥窗灯衣茶酒米饭鱼鸟树草叶枝根石松竹梅兰菊马牛羊猪狗猫虎龙"
        "凤鹤星夜晨晚昨魂梦泪怨愁恨忧悲喜怒笑哭唱歌舞琴棋诗画墨纸笔砚刀枪弓箭盔甲旗鼓营阵帅将兵卒帝皇后妃臣"
        "相宫殿府庙寺塔楼阁亭台园林庄村镇街巷店铺客栈船帆舟港岸沙滩岛洋浪潮");
    if (v.size() < kCommonHan) throw std::logic_error("han(): the common list is too short");
    v.resize(kCommonHan);
    SplitMix64 rng{0x4A11};
    std::set<std::string> seen(v.begin(), v.end());
    while (v.size() < 3500) {
      std::string c = utf8(static_cast<char32_t>(0x4E00 + rng.below(0x9FA5 - 0x4E00 + 1)));
      if (seen.insert(c).second) v.push_back(std::move(c));
    }
    return v;
  }();
  return chars;
}

// A Zipf-ish draw from the Han inventory: 96% from the common characters
// (log-uniform rank), 4% from the rare tail.
const std::string& han_char(Rng& rng) {
  const std::vector<std::string>& h = han();
  if (rng.chance(400)) return h[kCommonHan + rng.skewed(h.size() - kCommonHan)];
  const size_t octave = rng.below(10);  // 2^9 < kCommonHan <= 2^10
  const size_t lo = (size_t{1} << octave) - 1;
  return h[lo + rng.below(std::min(size_t{1} << octave, kCommonHan - lo))];
}

std::string make_zh(Rng& rng, size_t) {
  const uint64_t r = rng.below(100);
  const size_t n = r < 20 ? 1 : r < 80 ? 2 : r < 95 ? 3 : 4;
  std::string w;
  for (size_t k = 0; k < n; ++k) w += han_char(rng);
  return w;
}

std::string kana(Rng& rng, bool katakana) {
  // Katakana syllables, commonest first; hiragana is the same minus 0x60.
  static const std::vector<char32_t> syl = {
      0x30F3, 0x30AB, 0x30C8, 0x30B7, 0x30EB, 0x30AF, 0x30C6, 0x30A4, 0x30EA, 0x30B9, 0x30DE, 0x30CA, 0x30CB, 0x30BF,
      0x30B3, 0x30E9, 0x30CE, 0x30E2, 0x30AD, 0x30AA, 0x30A2, 0x30A6, 0x30A8, 0x30B1, 0x30B5, 0x30BB, 0x30BD, 0x30C1,
      0x30C4, 0x30CD, 0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB, 0x30DF, 0x30E0, 0x30E1, 0x30E4, 0x30E6, 0x30E8, 0x30EC,
      0x30ED, 0x30EF, 0x30AC, 0x30AE, 0x30B0, 0x30B2, 0x30B4, 0x30B6, 0x30B8, 0x30BA, 0x30BC, 0x30BE, 0x30C0, 0x30C7,
      0x30C9, 0x30D0, 0x30D3, 0x30D6, 0x30D9, 0x30DC, 0x30D1, 0x30D4, 0x30D7, 0x30DA, 0x30DD};
  const char32_t c = syl[rng.skewed(syl.size())];
  std::string s = utf8(katakana ? c : c - 0x60);
  if (katakana && rng.chance(1200)) s += "ー";
  if (rng.chance(500)) s += utf8(katakana ? 0x30C3 : 0x3063);                       // small tsu
  if (rng.chance(400)) s += utf8((katakana ? 0x30E3 : 0x3083) + 2 * rng.below(3));  // small ya/yu/yo
  return s;
}

std::string make_ja(Rng& rng, size_t) {
  static const auto okurigana = split_on("る た て ます ました ない い く し った れる せる かった", ' ');
  const uint64_t r = rng.below(100);
  std::string w;
  if (r < 45) {  // a kanji compound, sometimes with okurigana
    const size_t n = 1 + rng.below(3);
    for (size_t k = 0; k < n; ++k) w += han_char(rng);
    if (n == 1 || rng.chance(3000)) w += rng.pick(okurigana);
  } else if (r < 75) {  // a hiragana word
    const size_t n = 2 + rng.below(3);
    for (size_t k = 0; k < n; ++k) w += kana(rng, false);
  } else {  // a katakana loanword
    const size_t n = 2 + rng.below(4);
    for (size_t k = 0; k < n; ++k) w += kana(rng, true);
  }
  return w;
}

// Hangul: an inventory of 1,500 syllables (jamo drawn with a strong skew
// toward the common ones, so it holds the everyday syllables and some rare
// ones), then drawn by a log-uniform rank, as real text uses a few hundred
// syllables for most of its running text.
const std::string& hangul_syllable(Rng& rng) {
  static const std::vector<std::string> inventory = [] {
    static const std::vector<int> lead = {11, 0, 2, 3, 5, 6, 9, 12, 18, 7, 14, 16, 15, 17, 1, 4, 8, 10, 13};
    static const std::vector<int> vowel = {0, 4, 8, 13, 18, 20, 2, 6, 1, 5, 12, 17, 9, 14, 10, 11, 15, 16, 19, 3, 7};
    static const std::vector<int> tail = {0, 0, 0, 4, 8, 21, 16, 1, 17, 19, 7, 27, 22, 25, 9, 20};
    Rng r{{0x4B0}};
    auto skew = [&r](size_t n) { return std::min(r.skewed(n), r.skewed(n)); };
    std::vector<std::string> v;
    std::set<std::string> seen;
    while (v.size() < 1500) {
      const int t = r.chance(4500) ? tail[skew(tail.size())] : 0;
      std::string syl =
          utf8(static_cast<char32_t>(0xAC00 + (lead[skew(lead.size())] * 21 + vowel[skew(vowel.size())]) * 28 + t));
      if (seen.insert(syl).second) v.push_back(std::move(syl));
    }
    return v;
  }();
  const size_t octave = rng.below(11);  // 2^10 < 1500 <= 2^11
  const size_t lo = (size_t{1} << octave) - 1;
  return inventory[lo + rng.below(std::min(size_t{1} << octave, inventory.size() - lo))];
}

std::string make_ko(Rng& rng, size_t rank) {
  static const auto endings =
      split_on("은 는 이 가 을 를 에 에서 으로 의 도 와 과 하고 했다 합니다 있다 었다 습니다 지만 면서", ' ');
  std::string w;
  const size_t n = syllables_for(rng, rank, 2);
  for (size_t k = 0; k < n; ++k) w += hangul_syllable(rng);
  if (rng.chance(5500)) w += rng.pick(endings);
  return w;
}

// ---- Languages: word maker, function words, punctuation.

struct ScriptLang {
  const char* code;
  WordMaker make;
  const char* common;  // function words, commonest first, space-separated
  bool cased;
  bool spaced;            // words separated by spaces
  bool phrase_spaces;     // unspaced, but a space between phrases (Thai)
  const char* comma;      // including any following space
  const char* full_stop;  // sentence ender, without the following space
  const char* question;
  const char* open_quote;
  const char* close_quote;
  const char* chapter;            // heading prefix
  unsigned words_min, words_max;  // per sentence
};

const ScriptLang kScriptLangs[] = {
    {"fr", make_fr,
     "de la le et les des à en un une du que il est pour dans qui ne pas sur se au plus elle par je avec "
     "son ce sa mais nous vous ils comme ou ses été était avait lui on sont bien tout où même aussi",
     true, true, false, ", ", ".", "\u202F?", "«\u00A0", "\u00A0»", "Chapitre ", 5, 24},
    {"de", make_de,
     "der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es an er "
     "hat aus bei sie nach wird so wie noch wir war ich über wenn nur kann schon aber ihr oder sein",
     true, true, false, ", ", ".", "?", "„", "“", "Kapitel ", 5, 24},
    {"ru", make_ru,
     "и в не на я что он с как а то все она так его но да ты к у же вы за бы по только ее мне было вот "
     "от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас",
     true, true, false, ", ", ".", "?", "«", "»", "Глава ", 5, 22},
    {"el", make_el,
     "και το να η της του ο τα σε με την για που από δεν είναι των στο στην θα τον ότι οι ένα μια ήταν "
     "στη αλλά όπως μου τους πως αυτό έχει κι ή",
     true, true, false, ", ", ".", ";", "«", "»", "Κεφάλαιο ", 5, 22},
    {"ar", make_ar,
     "في من على إلى أن ما لا هذا التي الذي كان قال عن مع هذه ثم كل هو هي قد لم إن بعد حتى أو بين ذلك عند "
     "كانت لقد فقال يا إذا أيضا",
     false, true, false, "، ", ".", "؟", "«", "»", "الفصل ", 5, 22},
    {"he", make_he, "של את על לא הוא היא זה עם כי אני מה גם אבל היה כל אם יש הם אל עוד רק אז כך לו שלא אחרי לפני כמו",
     false, true, false, ", ", ".", "?", "\"", "\"", "פרק ", 5, 20},
    {"hi", make_hi,
     "के है में की और से को का एक यह पर भी नहीं कि था हैं तो थी ने कर वह हो लिए गया कुछ जो साथ अपने "
     "रहा बहुत इस उस थे किया अब तक फिर",
     false, true, false, ", ", "।", "?", "“", "”", "अध्याय ", 5, 22},
    {"sa", make_sa,
     "च तु हि अपि इति एव न तत् सः तस्य ते मे अहम् त्वम् वा यथा तथा इदम् सर्वम् उवाच राजन् ततः पुनः किम् "
     "यदि तदा",
     false, true, false, " ", " ।", " ।", "", "", "अध्यायः ", 6, 16},
    {"bn", make_bn,
     "এবং এই সে তার করে হয় না আমি তুমি কিন্তু যে থেকে জন্য সঙ্গে ছিল আর কি এক তিনি আমার তাদের "
     "হয়ে কোন এখন যখন তখন",
     false, true, false, ", ", "।", "?", "“", "”", "অধ্যায় ", 5, 20},
    {"th", make_th, "ที่ และ ของ ใน ไม่ เป็น มี ได้ ว่า จะ ก็ ให้ กับ แต่ นี้ คน ไป มา แล้ว อยู่ เขา ฉัน เรา", false, false, true, " ",
     "", "?", "“", "”", "บทที่ ", 8, 30},
    {"zh", make_zh, "的 了 是 在 不 我 他 有 这 一个 们 你 说 就 也 和 她 到 着 那 要 没有 去 会 上 看 自己 还 什么",
     false, false, false, "，", "。", "？", "“", "”", "第", 6, 24},
    {"ja", make_ja,
     "の に は を た が で て と し れ さ ある いる も する から な こと として い や など なっ ない この ため "
     "その あっ よう また もの という あり まで られ なる へ か だ これ によって により おり より による ず なり",
     false, false, false, "、", "。", "？", "「", "」", "第", 6, 24},
    {"ko", make_ko, "그 이 수 것 그리고 하지만 나는 그는 있다 없다 했다 그녀는 우리는 때 더 또 안 잘 다시 모든 같은",
     false, true, false, ", ", ".", "?", "“", "”", "제", 4, 16},
};

const ScriptLang& script_lang(std::string_view code) {
  for (const ScriptLang& l : kScriptLangs)
    if (code == l.code) return l;
  throw std::invalid_argument("generate_script_book: unknown language '" + std::string(code) + "'");
}

uint64_t fnv(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

constexpr size_t kScriptLexicon = 80000;

struct ScriptLexicon {
  std::vector<std::string> words;     // by rank, commonest first
  std::vector<std::string> capitals;  // sentence-initial forms
  std::vector<double> cumulative;     // Zipf-Mandelbrot, cumulative
};

std::unique_ptr<ScriptLexicon> build_script_lexicon(const ScriptLang& l) {
  auto lex = std::make_unique<ScriptLexicon>();
  std::set<std::string> seen;
  for (std::string& w : split_on(l.common, ' '))
    if (seen.insert(w).second) lex->words.push_back(std::move(w));
  Rng rng{{fnv(l.code) ^ 0x5C41}};
  for (size_t tries = 0; lex->words.size() < kScriptLexicon && tries < kScriptLexicon * 20; ++tries) {
    std::string w = l.make(rng, lex->words.size());
    if (w.empty() || !seen.insert(w).second) continue;
    lex->words.push_back(std::move(w));
  }
  for (const std::string& w : lex->words) lex->capitals.push_back(l.cased ? capitalise(w) : w);
  // Weights 1/(rank + 2.7)^(1 + 1/8), computed with sqrt (correctly
  // rounded everywhere, unlike pow) so the text is the same on every machine.
  double sum = 0;
  for (size_t r = 0; r < lex->words.size(); ++r) {
    const double x = static_cast<double>(r) + 2.7;
    sum += 1.0 / (x * std::sqrt(std::sqrt(std::sqrt(x))));
    lex->cumulative.push_back(sum);
  }
  for (double& c : lex->cumulative) c /= sum;
  return lex;
}

const ScriptLexicon& script_lexicon(const ScriptLang& l) {
  static std::mutex mutex;
  static std::map<const ScriptLang*, std::unique_ptr<ScriptLexicon>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  std::unique_ptr<ScriptLexicon>& lex = cache[&l];
  if (!lex) lex = build_script_lexicon(l);
  return *lex;
}

size_t draw(Rng& rng, const std::vector<double>& cumulative) {
  const auto it = std::lower_bound(cumulative.begin(), cumulative.end(), rng.unit());
  return it == cumulative.end() ? cumulative.size() - 1 : static_cast<size_t>(it - cumulative.begin());
}

std::string digits(const ScriptLang& l, uint64_t n, Rng& rng) {
  std::string s = std::to_string(n);
  // Devanagari and Bengali books often use their own digits.
  char32_t zero = 0;
  if ((l.code == std::string_view("sa")) || (l.code == std::string_view("hi") && rng.chance(3000))) zero = 0x0966;
  if (l.code == std::string_view("bn") && rng.chance(6000)) zero = 0x09E6;
  if (!zero) return s;
  std::string out;
  for (char c : s) out += utf8(zero + static_cast<char32_t>(c - '0'));
  return out;
}

// One sentence; `end` false leaves off the closing punctuation (a verse's
// second half-line, which the double danda closes).
void sentence(const ScriptLang& l, const ScriptLexicon& lex, Rng& rng, std::string& out, bool end = true) {
  const bool sanskrit = l.code == std::string_view("sa");
  const size_t n = l.words_min + rng.below(l.words_max - l.words_min + 1);
  const bool quoted = *l.open_quote && rng.chance(1200);
  if (quoted) out += l.open_quote;
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) {
      if (rng.chance(900))
        out += l.comma;
      else if (l.spaced || (l.phrase_spaces && rng.chance(1500)))
        out += ' ';
    }
    if (rng.chance(60)) {
      out += digits(l, rng.chance(5000) ? 1500 + rng.below(530) : 1 + rng.below(999), rng);
      continue;
    }
    const size_t r = draw(rng, lex.cumulative);
    out += i == 0 ? lex.capitals[r] : lex.words[r];
    if (sanskrit) {
      // Compounds: up to five stems joined without a space, and the
      // avagraha where an elided a follows -e or -o.
      while (rng.chance(3500)) out += lex.words[draw(rng, lex.cumulative)];
      if (rng.chance(300)) out += rng.chance(5000) ? "ोऽ" : "ेऽ";
    }
    if (l.code == std::string_view("th") && rng.chance(150)) out += "ๆ";
  }
  if (end) out += rng.chance(1200) ? l.question : l.full_stop;
  if (quoted) out += l.close_quote;
}

}  // namespace

std::vector<std::string> script_book_languages() {
  std::vector<std::string> out = {"en"};
  for (const ScriptLang& l : kScriptLangs) out.emplace_back(l.code);
  return out;
}

std::string generate_script_book(uint64_t seed, size_t approx_bytes, std::string_view language) {
  if (language == "en") return generate_novel(seed, approx_bytes);
  const ScriptLang& l = script_lang(language);
  const ScriptLexicon& lex = script_lexicon(l);
  const bool sanskrit = language == "sa";
  Rng rng{{seed * 0x2545F4914F6CDD1Dull ^ fnv(language)}};
  std::string out;
  out.reserve(approx_bytes + 4096);
  size_t chapter = 0, until_chapter = 0, verse = 0;
  while (out.size() < approx_bytes) {
    if (until_chapter == 0) {
      if (!out.empty()) out += '\n';
      out += l.chapter;
      out += digits(l, ++chapter, rng);
      if (language == "zh" || language == "ja") out += "章";
      if (language == "ko") out += "장";
      out += '\n';
      until_chapter = 20 + rng.below(40);
    }
    --until_chapter;
    if (sanskrit) {
      // Verses: two half-lines closed by a danda, the verse by a double
      // danda and its number.
      sentence(l, lex, rng, out);
      out += ' ';
      sentence(l, lex, rng, out, false);
      out += " ॥ " + digits(l, ++verse, rng) + " ॥\n";
      continue;
    }
    const size_t sentences = 1 + rng.below(6);
    for (size_t i = 0; i < sentences; ++i) {
      if (i > 0) out += ' ';
      sentence(l, lex, rng, out);
    }
    out += '\n';
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string generate_whitespace_book(uint64_t seed, size_t approx_bytes) {
  static const auto kWords = split_on(
      "the of and to a in is that for it as with was on be by this are from at or an which not have but "
      "light river stone morning garden window silence voice shadow winter harbour letter mirror lantern "
      "function value result count index buffer length offset table matrix vector sum limit proof lemma",
      ' ');
  static const auto kMi = split_on("x y z n k i j a b c f g t r θ α β λ μ σ π φ ω", ' ');
  static const auto kMo = split_on("= + − × ⋅ ( ) , ∑ ∫ ≤ ≥ → ∈ ′ ∂", ' ');
  static const auto kCode = split_on(
      "if for while return const auto int size_t std::string let var def class struct else elif "
      "break continue yield await async static public private void",
      ' ');
  Rng rng{{seed * 0x9E3779B97F4A7C15ull + 0x5EED}};
  std::string out;
  out.reserve(approx_bytes + 8192);
  auto indent = [&](size_t depth) { out.append(depth * 2, ' '); };
  // MathML as `epubtok text`-like extraction keeps it when the markup is
  // pretty-printed: each token on its own indented line, with empty
  // indented lines where elements opened and closed.
  auto math = [&](size_t depth, bool markup) {
    const size_t terms = 3 + rng.below(12);
    if (markup) {
      indent(depth);
      out += "<math xmlns=\"http://www.w3.org/1998/Math/MathML\" display=\"block\">\n";
    } else {
      indent(depth);
      out += '\n';
    }
    size_t d = depth + 1;
    std::vector<const char*> open;  // "mrow" or "mfrac", innermost last
    for (size_t t = 0; t < terms; ++t) {
      const uint64_t kind = rng.below(10);
      if (kind < 2 && d < depth + 8) {  // open a row or fraction
        open.push_back(rng.chance(5000) ? "mrow" : "mfrac");
        indent(d);
        out += markup ? std::string("<") + open.back() + ">\n" : "\n";
        ++d;
      } else if (kind < 3 && !open.empty()) {
        --d;
        indent(d);
        out += markup ? std::string("</") + open.back() + ">\n" : "\n";
        open.pop_back();
      }
      indent(d);
      const char* tag = kind < 6 ? "mi" : kind < 8 ? "mo" : "mn";
      const std::string token = kind < 6   ? rng.uniform(kMi)
                                : kind < 8 ? rng.uniform(kMo)
                                           : std::to_string(rng.below(100));
      if (markup) out += std::string("<") + tag + ">";
      out += token;
      if (markup) out += std::string("</") + tag + ">";
      out += '\n';
    }
    while (!open.empty()) {
      --d;
      indent(d);
      out += markup ? std::string("</") + open.back() + ">\n" : "\n";
      open.pop_back();
    }
    indent(depth);
    out += markup ? "</math>\n" : "\n";
  };
  auto words = [&](size_t n) {
    for (size_t i = 0; i < n; ++i) {
      if (i) out += ' ';
      out += rng.pick(kWords);
    }
  };
  while (out.size() < approx_bytes) {
    const uint64_t part = rng.below(100);
    if (part < 45) {  // extracted XHTML: paragraphs and equations, indented
      const size_t depth = 4 + rng.below(8);
      indent(depth);
      words(5 + rng.below(25));
      out += "\n";
      math(depth, false);
      indent(depth);
      out += "\n\n";
    } else if (part < 60) {  // the XHTML source itself
      const size_t depth = 1 + rng.below(4);
      indent(depth);
      out += "<p class=\"indent\">\n";
      indent(depth + 1);
      words(6 + rng.below(20));
      out += "\n";
      indent(depth);
      out += "</p>\n";
      math(depth, true);
    } else if (part < 80) {  // code: 4-space and tab indentation, blank lines with trailing blanks
      const size_t lines = 4 + rng.below(20);
      size_t depth = 0;
      for (size_t i = 0; i < lines; ++i) {
        if (rng.chance(1500)) {
          out.append(depth * 4, ' ');
          out += '\n';
          continue;
        }
        if (rng.chance(1000)) {
          out.append(depth, '\t');
        } else {
          out.append(depth * 4, ' ');
        }
        out += rng.pick(kCode);
        out += ' ';
        out += rng.pick(kWords);
        out += rng.chance(5000) ? "(" + rng.pick(kWords) + ", " + std::to_string(rng.below(64)) + ")" : " = 0";
        if (rng.chance(3000) && depth < 6) {
          out += " {";
          ++depth;
        } else if (depth > 0 && rng.chance(3000)) {
          out += ";\n";
          --depth;
          out.append(depth * 4, ' ');
          out += "}";
        } else {
          out += ";";
        }
        out += '\n';
      }
      out += "\n\n";
    } else {  // poetry: staggered indentation, gaps inside lines, wide stanza breaks
      const size_t lines = 3 + rng.below(10);
      for (size_t i = 0; i < lines; ++i) {
        out.append(rng.below(40), ' ');
        const size_t n = 2 + rng.below(7);
        for (size_t w = 0; w < n; ++w) {
          if (w) out.append(1 + (rng.chance(2000) ? rng.below(12) : 0), ' ');
          out += rng.pick(kWords);
        }
        out += '\n';
      }
      out.append(1 + rng.below(4), '\n');
    }
  }
  return out;
}

}  // namespace epubtok::test_support
