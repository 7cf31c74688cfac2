#include "support/sample_library.h"

#include <zlib.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string_view>

#include "support/epub_builder.h"
#include "support/prose.h"
#include "support/splitmix.h"

namespace epubtok::testing {
namespace {

using test_support::generate_book;
using test_support::generate_prose;

using Rng = test_support::SplitMix64;

std::string random_bytes(Rng& rng, size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    uint64_t v = rng.next();
    for (size_t k = 0; k < 8 && i + k < n; ++k) s[i + k] = static_cast<char>(v >> (8 * k));
  }
  // A JPEG signature, so tools that sniff it see an image.
  if (n >= 3) s.replace(0, 3, "\xFF\xD8\xFF");
  return s;
}

std::vector<std::string> split_paragraphs(const std::string& text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t e = text.find("\n\n", i);
    if (e == std::string::npos) e = text.size();
    if (e > i) out.push_back(text.substr(i, e - i));
    i = e + 2;
  }
  return out;
}

std::string paragraphs_xhtml(const std::string& prose) {
  std::string body;
  for (const std::string& p : split_paragraphs(prose)) body += "<p>" + xml_escape(p) + "</p>\n";
  return body;
}

ChapterSpec chapter(std::string file, std::string title, std::string_view lang, uint64_t seed, size_t words) {
  ChapterSpec c;
  c.file_name = std::move(file);
  c.title = std::move(title);
  c.body = "<h2>" + xml_escape(c.title) + "</h2>\n" + paragraphs_xhtml(generate_prose(lang, seed, words));
  return c;
}

ChapterSpec simple_page(std::string file, std::string body, std::string landmark, std::string guide_type) {
  ChapterSpec c;
  c.file_name = std::move(file);
  c.body = std::move(body);
  c.landmark = std::move(landmark);
  c.guide_type = std::move(guide_type);
  return c;
}

// UTF-8 → windows-1252 for the characters the English generator uses;
// anything else becomes a numeric character reference (valid in HTML).
std::string to_windows1252_html(std::string_view utf8) {
  struct Map {
    std::string_view u;
    char c;
  };
  static constexpr Map kMap[] = {{"\u201C", '\x93'}, {"\u201D", '\x94'}, {"\u2018", '\x91'}, {"\u2019", '\x92'},
                                 {"\u2014", '\x97'}, {"\u2013", '\x96'}, {"\u2026", '\x85'}, {"\u00E9", '\xE9'},
                                 {"\u00E8", '\xE8'}, {"\u00EF", '\xEF'}, {"\u00E7", '\xE7'}, {"\u00F6", '\xF6'},
                                 {"\u00FC", '\xFC'}, {"\u00E0", '\xE0'}, {"\u00A0", '\xA0'}, {"\u20AC", '\x80'}};
  std::string out;
  for (size_t i = 0; i < utf8.size();) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    bool done = false;
    for (const Map& m : kMap)
      if (utf8.compare(i, m.u.size(), m.u) == 0) {
        out.push_back(m.c);
        i += m.u.size();
        done = true;
        break;
      }
    if (done) continue;
    // Decode one code point for a numeric reference.
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    uint32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    for (size_t k = 1; k < len && i + k < utf8.size(); ++k) cp = (cp << 6) | (utf8[i + k] & 0x3F);
    out += "&#" + std::to_string(cp) + ";";
    i += len;
  }
  return out;
}

std::string html_escape_1252(std::string_view s) {
  std::string o;
  for (char c : s) {
    if (c == '&')
      o += "&amp;";
    else if (c == '<')
      o += "&lt;";
    else if (c == '>')
      o += "&gt;";
    else
      o.push_back(c);
  }
  return o;
}

void write_book(const std::string& path, const EpubSpec& spec, std::vector<std::string>& written) {
  if (!write_file(path, build_epub(spec))) throw std::runtime_error("cannot write " + path);
  written.push_back(path);
}

std::string join(const std::string& dir, const std::string& name) {
  return (std::filesystem::path(dir) / name).string();
}

// Book 1: EPUB 2, English, NCX + guide, windows-1252 tag soup with entities.
EpubSpec lantern_keeper() {
  EpubSpec s;
  s.version = 2;
  MetadataSpec& m = s.metadata;
  m.title = "The Lantern Keeper";
  m.authors = {{"Maren Holt", "Holt, Maren", "aut"}};
  m.languages = {"en"};
  m.publisher = "Epubtok Sample Press";
  m.date = "2019-03-14";
  m.identifiers = {{"urn:uuid:5e1a7c2e-0d4b-4c8e-9f1a-000000000001", ""}, {"978-0-306-40615-7", "ISBN"}};
  m.subjects = {"Fiction", "Sea stories"};
  m.description = "<p>A made-up tale of a <em>lighthouse</em> and its keeper.</p>";
  s.chapters.push_back(
      simple_page("cover.xhtml", "<div class=\"cover\"><img src=\"cover.jpg\" alt=\"Cover\"/></div>", "", "cover"));
  s.chapters.push_back(simple_page("title.xhtml", "<h1>The Lantern Keeper</h1>\n<p>Maren Holt</p>", "", "title-page"));
  for (int i = 1; i <= 3; ++i) {
    ChapterSpec c =
        chapter("chapter" + std::to_string(i) + ".xhtml", "Chapter " + std::to_string(i), "en", 100 + i, 700);
    if (i == 1) c.guide_type = "text";
    s.chapters.push_back(std::move(c));
  }
  // An old-style HTML chapter in windows-1252, with named entities and tag soup.
  ChapterSpec legacy;
  legacy.file_name = "chapter4.html";
  legacy.title = "Chapter 4";
  legacy.media_type = "application/xhtml+xml";
  std::string html =
      "<HTML><HEAD><META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=windows-1252\">"
      "<TITLE>Chapter 4</TITLE></HEAD>\n<BODY>\n<H2>Chapter 4</H2>\n";
  for (const std::string& p : split_paragraphs(generate_prose("en", 104, 600)))
    html += "<P>" + to_windows1252_html(html_escape_1252(p)) + "\n";
  html += "<P>Caf\xE9 au lait &mdash; na&iuml;ve &amp; &ldquo;quoted&rdquo; &hellip; &copy 2019 &eacute;t&eacute;\n";
  html += "</BODY></HTML>\n";
  legacy.raw_document = html;
  s.chapters.push_back(std::move(legacy));
  s.chapters.push_back(simple_page(
      "colophon.xhtml", "<p>Set in a made-up typeface. Text generated by epubtok&#8217;s prose generator.</p>", "",
      "colophon"));
  return s;
}

// Book 2: EPUB 3, French, landmarks, front/back matter, series.
EpubSpec jardin() {
  EpubSpec s;
  MetadataSpec& m = s.metadata;
  m.title = "Le Jardin des heures";
  m.authors = {{"Élise Marchand", "Marchand, Élise", "aut"}, {"Paul Roux", "Roux, Paul", "trl"}};
  m.languages = {"fr"};
  m.publisher = "Éditions Exemple";
  m.date = "2021-09-01";
  m.identifiers = {{"urn:uuid:5e1a7c2e-0d4b-4c8e-9f1a-000000000002", ""}, {"urn:isbn:9780306406157", ""}};
  m.subjects = {"Roman"};
  m.description = "Un roman inventé, en trois chapitres.";
  m.series = "Les Saisons";
  m.series_index = "2";
  ChapterSpec cover = simple_page("cover.xhtml", "<img src=\"cover.jpg\" alt=\"Couverture\"/>", "cover", "");
  s.chapters.push_back(cover);
  ChapterSpec title =
      simple_page("titre.xhtml", "<h1>Le Jardin des heures</h1>\n<p>Élise Marchand</p>", "titlepage", "");
  title.body_type = "frontmatter titlepage";
  s.chapters.push_back(title);
  ChapterSpec ded = simple_page("dedicace.xhtml", "<p>À ceux qui attendent le printemps.</p>", "", "");
  ded.body_type = "frontmatter dedication";
  s.chapters.push_back(ded);
  for (int i = 1; i <= 3; ++i) {
    ChapterSpec c =
        chapter("chapitre" + std::to_string(i) + ".xhtml", "Chapitre " + std::to_string(i), "fr", 200 + i, 800);
    if (i == 1) c.landmark = "bodymatter";
    s.chapters.push_back(std::move(c));
  }
  ChapterSpec notes = chapter("notes.xhtml", "Notes", "fr", 210, 150);
  notes.landmark = "backmatter";
  s.chapters.push_back(std::move(notes));
  return s;
}

// Book 3: EPUB 3, German, a linear="no" page, calibre series.
EpubSpec stille_stadt() {
  EpubSpec s;
  MetadataSpec& m = s.metadata;
  m.title = "Die stille Stadt";
  m.authors = {{"Jonas Weber", "Weber, Jonas", "aut"}};
  m.languages = {"de"};
  m.date = "2020";
  m.identifiers = {{"urn:uuid:5e1a7c2e-0d4b-4c8e-9f1a-000000000003", ""}};
  m.series = "Stadtgeschichten";
  m.series_index = "1";
  m.calibre_series = true;
  for (int i = 1; i <= 4; ++i)
    s.chapters.push_back(
        chapter("kapitel" + std::to_string(i) + ".xhtml", "Kapitel " + std::to_string(i), "de", 300 + i, 650));
  ChapterSpec fn = chapter("anmerkungen.xhtml", "Anmerkungen", "de", 310, 120);
  fn.linear = false;
  fn.body_type = "backmatter";
  s.chapters.push_back(std::move(fn));
  return s;
}

// Wraps known kanji words in ruby with their readings (our own small list).
std::string add_ruby(const std::string& escaped_paragraph, bool with_rp) {
  struct Reading {
    std::string_view word, kana;
  };
  static constexpr Reading kReadings[] = {{"時間", "じかん"},   {"先生", "せんせい"}, {"今日", "きょう"},
                                          {"天気", "てんき"},   {"手紙", "てがみ"},   {"学生", "がくせい"},
                                          {"友達", "ともだち"}, {"家族", "かぞく"},   {"昨日", "きのう"}};
  std::string s = escaped_paragraph;
  for (const Reading& r : kReadings) {
    std::string markup = "<ruby>" + std::string(r.word) + (with_rp ? "<rp>(</rp>" : "") + "<rt>" + std::string(r.kana) +
                         "</rt>" + (with_rp ? "<rp>)</rp>" : "") + "</ruby>";
    size_t pos = 0;
    while ((pos = s.find(r.word, pos)) != std::string::npos) {
      s.replace(pos, r.word.size(), markup);
      pos += markup.size();
    }
  }
  return s;
}

// Book 4: EPUB 3, Japanese with furigana.
EpubSpec yama_no_tegami() {
  EpubSpec s;
  MetadataSpec& m = s.metadata;
  m.title = "山の手紙";
  m.authors = {{"山田 花子", "やまだ はなこ", "aut"}};
  m.languages = {"ja"};
  m.identifiers = {{"urn:uuid:5e1a7c2e-0d4b-4c8e-9f1a-000000000004", ""}};
  static const char* kTitles[] = {"第一章", "第二章", "第三章"};
  for (int i = 0; i < 3; ++i) {
    ChapterSpec c;
    c.file_name = "chapter" + std::to_string(i + 1) + ".xhtml";
    c.title = kTitles[i];
    c.body = "<h2>" + c.title + "</h2>\n";
    int k = 0;
    for (const std::string& p : split_paragraphs(generate_prose("ja", 400 + i, 900)))
      c.body += "<p>" + add_ruby(xml_escape(p), (k++ % 2) == 1) + "</p>\n";
    // One sentence of our own, so the book has ruby whatever the prose holds.
    c.body += "<p>" + add_ruby("今日は手紙を書きました。", i == 1) + "</p>\n";
    if (i == 0) c.landmark = "bodymatter";
    s.chapters.push_back(std::move(c));
  }
  return s;
}

// Book 5: EPUB 3, Chinese.
EpubSpec hehe_de_gushi() {
  EpubSpec s;
  MetadataSpec& m = s.metadata;
  m.title = "河的故事";
  m.authors = {{"李明", "Li Ming", "aut"}};
  m.languages = {"zh-Hans"};
  m.identifiers = {{"urn:uuid:5e1a7c2e-0d4b-4c8e-9f1a-000000000005", ""}};
  static const char* kTitles[] = {"第一章", "第二章", "第三章", "第四章"};
  for (int i = 0; i < 4; ++i)
    s.chapters.push_back(chapter("ch" + std::to_string(i + 1) + ".xhtml", kTitles[i], "zh", 500 + i, 900));
  return s;
}

// Book 6: EPUB 2, Russian.
EpubSpec dalnyaya_doroga() {
  EpubSpec s;
  s.version = 2;
  MetadataSpec& m = s.metadata;
  m.title = "Дальняя дорога";
  m.authors = {{"Анна Соколова", "Соколова, Анна", "aut"}};
  m.languages = {"ru"};
  m.identifiers = {{"urn:uuid:5e1a7c2e-0d4b-4c8e-9f1a-000000000006", ""}};
  for (int i = 1; i <= 3; ++i)
    s.chapters.push_back(
        chapter("glava" + std::to_string(i) + ".xhtml", "Глава " + std::to_string(i), "ru", 600 + i, 700));
  return s;
}

// Book 7: EPUB 3, Arabic, right to left.
EpubSpec al_bahr() {
  EpubSpec s;
  MetadataSpec& m = s.metadata;
  m.title = "البحر القديم";
  m.authors = {{"سارة حداد", "حداد، سارة", "aut"}};
  m.languages = {"ar"};
  m.identifiers = {{"urn:uuid:5e1a7c2e-0d4b-4c8e-9f1a-000000000007", ""}};
  static const char* kTitles[] = {"الفصل الأول", "الفصل الثاني", "الفصل الثالث"};
  for (int i = 0; i < 3; ++i) {
    ChapterSpec c = chapter("fasl" + std::to_string(i + 1) + ".xhtml", kTitles[i], "ar", 700 + i, 700);
    c.body = "<div dir=\"rtl\">\n" + c.body + "</div>\n";
    s.chapters.push_back(std::move(c));
  }
  return s;
}

size_t deflated_size(const std::string& s) {
  uLongf n = compressBound(static_cast<uLong>(s.size()));
  std::string out(n, '\0');
  compress2(reinterpret_cast<Bytef*>(out.data()), &n, reinterpret_cast<const Bytef*>(s.data()),
            static_cast<uLong>(s.size()), 6);
  return n;
}

}  // namespace

std::vector<std::string> make_sample_library(const std::string& dir) {
  std::vector<std::string> written;
  write_book(join(dir, "the-lantern-keeper.epub"), lantern_keeper(), written);
  write_book(join(dir, "le-jardin-des-heures.epub"), jardin(), written);
  write_book(join(dir, "die-stille-stadt.epub"), stille_stadt(), written);
  write_book(join(dir, "yama-no-tegami.epub"), yama_no_tegami(), written);
  write_book(join(dir, "hehe-de-gushi.epub"), hehe_de_gushi(), written);
  write_book(join(dir, "dalnyaya-doroga.epub"), dalnyaya_doroga(), written);
  write_book(join(dir, "al-bahr-al-qadim.epub"), al_bahr(), written);
  return written;
}

std::vector<std::string> make_library(const std::string& dir, int n_books, double target_mb, uint64_t seed) {
  std::vector<std::string> written;
  if (n_books <= 0) return written;
  Rng rng{seed};
  // Sizes: mean target/n, spread 0.5×–1.5×, rescaled to hit the total.
  std::vector<double> weights;
  double sum = 0;
  for (int i = 0; i < n_books; ++i) {
    weights.push_back(0.5 + rng.unit());
    sum += weights.back();
  }
  static constexpr std::string_view kLangs[] = {"en", "en", "en", "en", "en", "en", "en", "en", "en", "en",
                                                "en", "en", "fr", "de", "es", "fr", "ru", "ru", "zh", "ja"};
  constexpr size_t kChapterText = size_t{150} * 1000;
  for (int b = 0; b < n_books; ++b) {
    double book_bytes = target_mb * 1e6 * weights[b] / sum;
    std::string_view lang = kLangs[rng.next() % std::size(kLangs)];
    uint64_t book_seed = seed * 1000003 + static_cast<uint64_t>(b);
    EpubSpec s;
    s.version = (b % 4 == 3) ? 2 : 3;
    char title[64];
    std::snprintf(title, sizeof title, "Benchmark Book %03d", b + 1);
    s.metadata.title = title;
    s.metadata.authors = {{"Generated Author " + std::to_string(b % 7 + 1), "", "aut"}};
    s.metadata.languages = {std::string(lang)};
    s.metadata.identifiers = {{"urn:uuid:00000000-0000-4000-8000-" + std::to_string(100000000000ull + b), ""}};

    // ~35% binary: cover + figures, stored.
    double binary = book_bytes * 0.35;
    size_t cover = static_cast<size_t>(std::clamp(binary * 0.6, 200e3, 600e3));
    cover = std::min(cover, static_cast<size_t>(binary));
    ZipEntry cover_entry;
    cover_entry.name = "OEBPS/images/cover.jpg";
    cover_entry.data = random_bytes(rng, cover);
    cover_entry.method = ZipMethod::kStored;
    s.extra_files.push_back(std::move(cover_entry));
    double rest = binary - static_cast<double>(cover);
    for (int f = 1; rest > 1000; ++f) {
      size_t n = static_cast<size_t>(std::min(rest, 150e3));
      ZipEntry fig;
      fig.name = "OEBPS/images/fig" + std::to_string(f) + ".jpg";
      fig.data = random_bytes(rng, n);
      fig.method = ZipMethod::kStored;
      s.extra_files.push_back(std::move(fig));
      rest -= static_cast<double>(n);
    }

    // ~65% deflated text: measure the first chapter's ratio, then size.
    double text_budget = book_bytes * 0.65;
    std::string first =
        generate_book(book_seed, std::min<size_t>(kChapterText, static_cast<size_t>(text_budget * 3) + 1000), lang);
    double ratio = static_cast<double>(first.size()) / static_cast<double>(std::max<size_t>(1, deflated_size(first)));
    double raw_needed = text_budget * ratio;
    int chapters = std::max(1, static_cast<int>(std::lround(raw_needed / kChapterText)));
    size_t per_chapter = static_cast<size_t>(raw_needed / chapters);
    for (int c = 0; c < chapters; ++c) {
      std::string text = c == 0 && per_chapter <= first.size() + kChapterText / 10
                             ? first
                             : generate_book(book_seed + 7919ull * static_cast<uint64_t>(c + 1), per_chapter, lang);
      std::vector<std::string> paras = split_paragraphs(text);
      ChapterSpec ch;
      ch.file_name = "text/chapter" + std::to_string(c + 1) + ".xhtml";
      ch.title = paras.empty() ? "Chapter" : paras[0];
      ch.body = "<h2>" + xml_escape(ch.title) + "</h2>\n";
      for (size_t p = 1; p < paras.size(); ++p) ch.body += "<p>" + xml_escape(paras[p]) + "</p>\n";
      s.chapters.push_back(std::move(ch));
    }
    char name[64];
    std::snprintf(name, sizeof name, "book-%03d.epub", b + 1);
    write_book(join(dir, name), s, written);
  }
  return written;
}

void make_big_book(const std::string& path, std::string_view language, size_t text_bytes, int chapters, uint64_t seed) {
  chapters = std::max(1, chapters);
  EpubSpec s;
  s.metadata.title = "Big Book (" + std::string(language) + ")";
  s.metadata.authors = {{"Generated Author", "", "aut"}};
  s.metadata.languages = {std::string(language)};
  s.metadata.identifiers = {{"urn:uuid:00000000-0000-4000-8000-" + std::to_string(200000000000ull + seed), ""}};
  const size_t per_chapter = text_bytes / static_cast<size_t>(chapters) + 1;
  for (int c = 0; c < chapters; ++c) {
    std::vector<std::string> paras =
        split_paragraphs(generate_book(seed * 1000003 + static_cast<uint64_t>(c), per_chapter, language));
    ChapterSpec ch;
    ch.file_name = "text/chapter" + std::to_string(c + 1) + ".xhtml";
    ch.title = paras.empty() ? "Chapter" : paras[0];
    ch.body = "<h2>" + xml_escape(ch.title) + "</h2>\n";
    for (size_t p = 1; p < paras.size(); ++p) ch.body += "<p>" + xml_escape(paras[p]) + "</p>\n";
    s.chapters.push_back(std::move(ch));
  }
  if (!write_file(path, build_epub(s))) throw std::runtime_error("cannot write " + path);
}

namespace {

// One benchmark book: `text_bytes` of generate_script_book() text in
// chapters of about `chapter_bytes`, plus `image_bytes` of stored images.
EpubSpec script_book(int number, std::string_view lang, size_t text_bytes, size_t chapter_bytes, size_t image_bytes,
                     uint64_t seed, Rng& rng) {
  EpubSpec s;
  s.version = (number % 4 == 3) ? 2 : 3;
  char title[64];
  std::snprintf(title, sizeof title, "Library Book %03d (%s)", number, std::string(lang).c_str());
  s.metadata.title = title;
  s.metadata.authors = {{"Generated Author " + std::to_string(number % 11 + 1), "", "aut"}};
  s.metadata.languages = {std::string(lang)};
  s.metadata.identifiers = {{"urn:uuid:00000000-0000-4000-9000-" + std::to_string(100000000000ull + number), ""}};
  for (int f = 1; image_bytes > 1000; ++f) {
    const size_t n = std::min<size_t>(image_bytes, 400000);
    ZipEntry fig;
    fig.name = "OEBPS/images/fig" + std::to_string(f) + ".jpg";
    fig.data = random_bytes(rng, n);
    fig.method = ZipMethod::kStored;
    s.extra_files.push_back(std::move(fig));
    image_bytes -= n;
  }
  const std::string text = test_support::generate_script_book(seed, text_bytes, lang);
  ChapterSpec ch;
  int chapters = 0;
  auto flush = [&] {
    if (ch.body.empty()) return;
    ch.file_name = "text/chapter" + std::to_string(++chapters) + ".xhtml";
    ch.title = "Chapter " + std::to_string(chapters);
    s.chapters.push_back(std::move(ch));
    ch = ChapterSpec{};
  };
  for (size_t i = 0; i < text.size();) {
    size_t e = text.find('\n', i);
    if (e == std::string::npos) e = text.size();
    if (e > i) ch.body += "<p>" + xml_escape(text.substr(i, e - i)) + "</p>\n";
    if (ch.body.size() >= chapter_bytes) flush();
    i = e + 1;
  }
  flush();
  return s;
}

}  // namespace

std::vector<std::string> make_script_library(const std::string& dir, double target_mb, double sanskrit_text_mb,
                                             uint64_t seed) {
  static constexpr std::string_view kLangs[47] = {
      "en", "fr", "de", "ru", "zh", "en", "el", "ar", "he", "hi", "en", "bn", "th", "ja", "ko", "en",
      "en", "fr", "de", "ru", "zh", "en", "el", "ar", "he", "hi", "en", "bn", "th", "ja", "en", "en",
      "en", "fr", "de", "ru", "zh", "en", "en", "en", "en", "en", "en", "en", "en", "en", "en"};
  Rng rng{seed * 0x51B1 + 17};
  // Book sizes: a product of uniforms (skewed, like real libraries: most
  // books small, a few large), rescaled so the whole library hits the target
  // once the Sanskrit book's measured size is taken off.
  std::vector<std::string> written;
  std::filesystem::create_directories(dir);
  const std::string sa_path = join(dir, "book-048-sa.epub");
  write_book(sa_path,
             script_book(48, "sa", static_cast<size_t>(sanskrit_text_mb * 1e6), 420000, 0, seed * 1000003 + 48, rng),
             written);
  const double rest = std::max(1.0, target_mb * 1e6 - static_cast<double>(std::filesystem::file_size(sa_path)));
  std::vector<double> weights;
  double sum = 0;
  for (size_t b = 0; b < std::size(kLangs); ++b) {
    weights.push_back(0.2 + 2.5 * rng.unit() * rng.unit() * rng.unit() + rng.unit());
    sum += weights.back();
  }
  double correction = 1.0, planned = 0, actual = 0;
  for (size_t b = 0; b < std::size(kLangs); ++b) {
    const double book_bytes = rest * weights[b] / sum;
    const bool illustrated = b % 4 == 1;
    const double images = illustrated ? book_bytes * 0.6 : 0;
    // Deflated XHTML of generated text is about a third of the text's size
    // (a fifth for Devanagari, Bengali and Thai, half for Han): aim the
    // text at the EPUB bytes left once the images are in.
    const std::string_view lang = kLangs[b];
    const double ratio = lang == "zh" || lang == "ja" ? 2.2 : lang == "hi" || lang == "bn" || lang == "th" ? 4.0 : 3.0;
    const size_t text = static_cast<size_t>((book_bytes - images) * ratio * correction);
    char name[64];
    std::snprintf(name, sizeof name, "book-%03zu-%s.epub", b + 1, std::string(lang).c_str());
    const std::string path = join(dir, name);
    write_book(path,
               script_book(static_cast<int>(b + 1), lang, text, 150000, static_cast<size_t>(images),
                           seed * 1000003 + b + 1, rng),
               written);
    // The ratios are estimates: the next books' text is scaled by how the
    // deflated text of the books so far compared with its plan.
    planned += (book_bytes - images) * correction;
    actual += static_cast<double>(std::filesystem::file_size(path)) - images;
    correction = std::clamp(planned / std::max(actual, 1.0), 0.5, 2.0);
  }
  return written;
}

}  // namespace epubtok::testing
