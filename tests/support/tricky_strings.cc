#include "support/tricky_strings.h"

#include <initializer_list>
#include <string_view>

#include "support/random_unicode.h"

namespace epubtok::test_support {

namespace {

std::string cp(char32_t c) {
  std::string s;
  append_utf8(s, c);
  return s;
}

// Concatenation without operator+ on literals, which trips a false -Wrestrict
// in GCC 12's inlined std::string code.
std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out += p;
  return out;
}

std::string repeat(std::string_view s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::vector<std::string> build() {
  std::vector<std::string> v;
  auto add = [&v](std::string s) { v.push_back(std::move(s)); };

  add("");
  add("a");
  add("Hello, world!");

  // ---- White-space runs of every length, alone, between words and at ends.
  // Tokenizers differ in how a run splits before a word (\s+(?!\S)), so each
  // length matters.
  for (size_t n = 0; n <= 40; ++n) {
    const std::string spaces(n, ' ');
    add(spaces);
    add(cat({"word", spaces, "word"}));
    add(cat({spaces, "word"}));
    add(cat({"word", spaces}));
  }
  for (size_t n = 1; n <= 12; ++n) {
    add(repeat("\n", n));
    add(cat({"a", repeat("\n", n), "b"}));
    add(cat({repeat("\t", n), "x"}));
    add(cat({"x", repeat(" \n", n)}));
    add(repeat("\r\n", n));
    add(cat({"line", repeat("\r\n", n), "line"}));
  }
  // Mixed white-space runs of every length 1..40, cycling through the kinds
  // (with a per-length offset so runs differ), around words, digits and
  // punctuation.
  {
    static constexpr std::string_view kKinds[] = {" ", "\t",           "\n", "\xC2\xA0", "\r\n", "\xE3\x80\x80",
                                                  " ", "\xE2\x80\x83", "\r", "\x0B",     "\x0C", "\xC2\x85"};
    for (size_t n = 1; n <= 40; ++n) {
      std::string run;
      for (size_t i = 0; i < n; ++i) run += kKinds[(i + n) % std::size(kKinds)];
      add(run);
      add(cat({"word", run, "word"}));
      add(cat({run, "123", run}));
      add(cat({"!!", run, "??"}));
    }
  }
  add("\r");
  add("a\rb");
  add("a\r\r\nb");
  add("a\n\rb");
  add("\r\n\r\n  \r\n");
  add("a \n b");
  add("a\n \nb");
  add("  \n  leading and trailing  \n  ");
  add("\v\f\v\f");
  add("tab\tseparated\tvalues\t");

  // Every White_Space code point, alone, between words, doubled, and before
  // an ASCII space (mixed runs).
  static constexpr char32_t kWhite[] = {0x0009, 0x000A, 0x000B, 0x000C, 0x000D, 0x0020, 0x0085, 0x00A0, 0x1680,
                                        0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008,
                                        0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000};
  std::string all_white;
  for (char32_t w : kWhite) {
    const std::string s = cp(w);
    all_white += s;
    add(s);
    add(cat({"a", s, "b"}));
    add(cat({"a", s, s, " b"}));
    add(cat({"end", s}));
    add(cat({s, " ", s, "start"}));
  }
  add(all_white);
  add(cat({"x", all_white, "y"}));
  add(" \u00A0 \u3000\t\n word \u2003\u2003");

  // ---- Zero-width and bidi controls.
  for (char32_t z : {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x034F, 0x180E}) {
    add(cat({"zero", cp(z), "width"}));
    add(cp(z));
    add(cat({cp(z), "start"}));
    add(cat({"a ", cp(z), " b"}));
  }
  add("\uFEFFBOM at start");
  for (char32_t b : {0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x061C}) {
    add(cat({"abc", cp(b), "def"}));
  }
  add("\u2067שלום\u2069 world");
  add("\u202Eevil.exe\u202C");
  add("price: \u2066$100\u2069 \u200F");

  // ---- Emoji.
  add("😀");
  add("😀😀😀");
  add("👍 👍🏻 👍🏼 👍🏽 👍🏾 👍🏿");
  add("👍🏿👍🏿");
  add("👨‍👩‍👧‍👦");
  add("👩🏾‍💻 at work");
  add("🏳️‍🌈🏴‍☠️");
  add("🇫🇷🇯🇵🇺🇸🇩🇪");
  add("🇫🇷🇯");                           // odd number of regional indicators
  add("🏴󠁧󠁢󠁳󠁣󠁴󠁿");  // tag sequence (Scotland)
  add("1️⃣2️⃣#️⃣*️⃣");
  add("❤❤️♥️");
  add("hello👋world");
  add("I ❤️ NY");
  add("🤷‍♀️🤷🏽‍♂️");
  add("👁️‍🗨️");
  add(cat({"😀 ", repeat("🔥", 30)}));
  add("emoji at end 🎉");
  add("©®™");

  // ---- Combining marks.
  add("e\u0301");
  add("a\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308");
  add("Z\u0351\u036B\u0343\u036A\u0302\u036B\u033D\u034F\u0334\u0319\u0324\u031E\u0349\u035A\u032F"
      "a\u0334\u0360\u035F\u0317l\u0337\u0361\u0345g\u0335\u034Ao\u0338\u0310");
  add(repeat("\u0301", 20));
  add(cat({"x", repeat("\u0323\u0307", 50)}));
  add(" \u0301leading mark");
  add("\u20DD\u20DE");
  add("q\u0307\u0323");

  // ---- Scripts.
  add("สวัสดีครับ ผมชื่อสมชาย");
  add("ภาษาไทยไม่มีช่องว่างระหว่างคำ");
  add("กรุงเทพฯ ๑๒๓๔");
  add("नमस्ते दुनिया");
  add("क्षत्रिय द्वितीय स्त्री");
  add("हिन्दी\u200Dभाषा");
  add("مرحبا بالعالم");
  add("كِتَابٌ جَمِيلٌ");
  add("العربية ١٢٣٤٥ and English");
  add("שָׁלוֹם עוֹלָם");
  add("צה\"ל ת\"א");
  add("日本語のテキストです。");
  add("漢字とひらがなとカタカナ");
  add("ｶﾀｶﾅﾊﾝｶｸ");
  add("中华人民共和国成立于1949年。");
  add("我爱北京天安门，天安门上太阳升！");
  add("𠀀𠀁𪚥𩸽");  // CJK Extension B
  add("한국어 텍스트입니다");
  add("\u1112\u1161\u11AB\u1100\u116E\u11A8\u110B\u1165");  // 한국어 in conjoining jamo
  add("\u1100\u1161\u11A8\u11A8");                          // unusual jamo sequence
  add("ㄱㄴㄷ ㅏㅑㅓ");
  add("Ελληνικά κείμενα; ναι");
  add("Русский текст, ёлка.");
  add("Ǆǅǆ ǈ ǋ ǲ");
  add("ⴰⵣⵓⵍ ⵎⴰⵏⵣⴰⴽⵉⵏ");      // Tifinagh
  add("ᐊᐃᑦᑕ");               // Canadian syllabics
  add("ማለት ነው።");            // Ethiopic
  add("ພາສາລາວ ຂອງພວກເຮົາ");  // Lao
  add("ខ្ញុំស្រលាញ់អ្នក");         // Khmer
  add("မြန်မာစာ");            // Myanmar
  add("İstanbul ıIiİ");
  add("ß ẞ ﬀ ﬁ ﬂ ﬃ");

  // ---- Digits.
  {
    std::string digits;
    for (size_t n = 1; n <= 50; ++n) {
      digits.push_back(static_cast<char>('0' + (n * 7) % 10));
      add(digits);
    }
  }
  add("1,234,567,890");
  add("1.234.567,89");
  add("3.14159 2.71828");
  add("12:30:45");
  add("2024-01-15T10:30:00Z");
  add("+1 (555) 123-4567");
  add("0x1F600 0b1010 0o777 1e-10 6.022e23");
  add("١٢٣٤٥٦٧٨٩٠");
  add("०१२३४५६७८९");
  add("０１２３４５６７８９");
  add("𝟎𝟏𝟐𝟑");
  add("123abc456def789");
  add("abc123");
  add("A1B2C3D4E5F6");
  add("v1.2.3-rc.1");
  add("CO2 H2O 4x4 3D 2nd 21st");
  add("$100.00 €50 £20 ¥1000 ₹500");

  // ---- Contractions, in every case, with both apostrophes.
  for (std::string_view suffix :
       {"s", "t", "re", "ve", "m", "ll", "d", "S", "T", "RE", "VE", "M", "LL", "D", "Re", "Ve", "Ll"}) {
    add(cat({"it'", suffix}));
    add(cat({"IT’", suffix}));
    add(cat({"'", suffix, " alone"}));
  }
  add("don't DON'T Don't don’t DON’T");
  add("I'm I’M you're YOU’RE they'll THEY'LL");
  add("rock'n'roll");
  add("'quoted' \"double\" ‘single’ “curly”");
  add("''''");
  add("a's b's 's");
  add("l'homme d'abord aujourd’hui");
  add("İstanbul'da");

  // ---- Special-token look-alikes: must be treated as ordinary text.
  for (std::string_view t : {"<|endoftext|>",
                             "<|fim_prefix|>",
                             "<|fim_middle|>",
                             "<|fim_suffix|>",
                             "<|endofprompt|>",
                             "<s>",
                             "</s>",
                             "<unk>",
                             "[CLS]",
                             "[SEP]",
                             "[MASK]",
                             "[PAD]",
                             "[UNK]",
                             "<|begin_of_text|>",
                             "<|end_of_text|>",
                             "<|im_start|>",
                             "<|im_end|>",
                             "<EOT>",
                             "<META>",
                             "<pad>",
                             "<bos>",
                             "<eos>",
                             "<start_of_turn>",
                             "<end_of_turn>",
                             "<|start_header_id|>",
                             "<|eot_id|>"}) {
    add(std::string(t));
    add(cat({"text", t, "text"}));
    add(cat({" ", t, " "}));
  }
  add("<|endoftext|><|endoftext|>");
  add("<|endoftext");
  add("<| endoftext |>");
  add("<|ENDOFTEXT|>");

  // ---- One character of each general category.
  add("A");        // Lu
  add("a");        // Ll
  add("ǅ");        // Lt
  add("ʰ");        // Lm
  add("ª");        // Lo
  add("a\u0301");  // Mn
  add("क\u093E");  // Mc
  add("a\u20DD");  // Me
  add("7");        // Nd
  add("Ⅻ");        // Nl
  add("½");        // No
  add("_");        // Pc
  add("-");        // Pd
  add("(");        // Ps
  add(")");        // Pe
  add("«");        // Pi
  add("»");        // Pf
  add("!");        // Po
  add("+");        // Sm
  add("$");        // Sc
  add("^");        // Sk
  add("©");        // So
  add("\u00A0");   // Zs
  add("a‿b a⁀b");  // Pc joining letters
  add("x²+y³=z⁴");

  // ---- Edges of the code space.
  for (char32_t c : {0xD7FF, 0xE000, 0xFFFD, 0xFFFE, 0xFFFF, 0x10000, 0x10FFFF, 0x7F, 0x80, 0x7FF, 0x800, 0x1}) {
    add(cp(c));
    add(cat({"a", cp(c), "b"}));
  }
  add(std::string("nul\0inside", 10));
  add(std::string("\0", 1));

  // ---- Normalisation.
  add("café");        // precomposed
  add("cafe\u0301");  // decomposed
  add("Å Å Å");       // U+00C5, A+U+030A, U+212B angstrom sign
  add("ñ n\u0303");
  add("Ω Ω");  // U+03A9, U+2126 ohm sign
  add("ｆｕｌｌｗｉｄｔｈ ＦＵＬＬ");
  add("①②③ ⑴ ⒈");
  add("ﬁnance ﬂow oﬃce");
  add("™ ℠ № ℃ ℉");
  add("x² y₃ ½ ¼");
  add("Ⅻ ⅻ Ⅳ");
  add("㍿ ㌀ ㎏ ㎞");
  add("…‥");
  add("ſt");
  add("ﷺ ﷲ");

  // ---- Long words.
  add(std::string(1000, 'a'));
  add(repeat("ab", 500));
  add(repeat("字", 1000));
  add(repeat("ก", 300));
  add(repeat("-", 200));
  add(repeat("!?", 100));
  add(cat({repeat("=", 80), "\n", repeat("#", 80)}));
  add(repeat("😀", 200));
  add(repeat("a ", 300));
  add("Pneumonoultramicroscopicsilicovolcanoconiosis");

  // ---- URLs, code, Markdown, JSON.
  add("https://example.com/path/to/page?query=1&other=two#fragment");
  add("mailto:someone@example.org");
  add("www.example.co.uk/~user/index.html");
  add("int main() { return 0; }");
  add("for (int i = 0; i < n; ++i) {\n\tsum += a[i];\n}");
  add("def f(x):\n    return x ** 2  # square\n");
  add("const re = /^[a-z]+$/gi;");
  add("SELECT * FROM users WHERE id = 42;");
  add("# Heading\n\n- item one\n- item two\n\n**bold** _italic_ `code`");
  add("```python\nprint('hi')\n```");
  add("[link](https://example.com) ![img](a.png)");
  add("| a | b |\n|---|---|\n| 1 | 2 |");
  add("{\"key\": \"value\", \"n\": [1, 2.5, -3e4], \"nested\": {\"ok\": true, \"none\": null}}");
  add("{\"escaped\": \"line\\nbreak \\u00e9 \\\"quote\\\"\"}");
  add("<html><body><p class=\"x\">Hi &amp; bye</p></body></html>");
  add("snake_case_identifier camelCaseIdentifier PascalCase kebab-case SCREAMING_CASE");
  add("__init__ __main__ _private");
  add("a.b.c.d e..f g...h");
  add("path/to/file.txt C:\\Windows\\System32");
  add("user@example.com #hashtag @mention");
  add("e.g. i.e. etc. U.S.A. Ph.D.");
  add("‘Tis the season’s end—said he… “Really?” (yes) [no] {maybe} ¿qué? ¡sí!");
  add("em—dash en–dash hyphen-minus figure‒dash minus−sign");
  add("«guillemets» ‹single› „low“ ‚low‘ 「corner」 『white』 【lenticular】");
  return v;
}

}  // namespace

const std::vector<std::string>& tricky_strings() {
  static const std::vector<std::string> strings = build();
  return strings;
}

}  // namespace epubtok::test_support
