#include "support/hostile_library.h"

#include <algorithm>
#include <functional>
#include <map>
#include <stdexcept>

#include "support/epub_builder.h"
#include "support/splitmix.h"

namespace epubtok::testing {
namespace {

namespace fs = std::filesystem;
using Rng = test_support::SplitMix64;

constexpr const char* kXhtmlHead =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">\n"
    "<head><title>Page</title></head>\n<body>\n";
constexpr const char* kXhtmlTail = "\n</body>\n</html>\n";

std::string xhtml(std::string_view body) { return kXhtmlHead + std::string(body) + kXhtmlTail; }

// Made-up words from a few syllables: text that compresses like text
// (about 3:1), not like a run of one byte.
class WordSource {
 public:
  explicit WordSource(uint64_t seed) : rng_{seed} {}
  void append_word(std::string& out) {
    static constexpr std::string_view kSyllables[] = {"ka", "lo",  "mir", "sen", "ta",  "vu",  "dre", "pol",
                                                      "an", "est", "or",  "bi",  "que", "zan", "hu",  "fe"};
    for (uint64_t i = 0, n = 1 + rng_.below(3); i < n; ++i) out += kSyllables[rng_.below(std::size(kSyllables))];
  }
  char letter() { return static_cast<char>('a' + rng_.below(26)); }

 private:
  Rng rng_;
};

// A source (ZipEntry::source) emitting `prefix`, then `body_bytes` bytes
// made by `fill` in pieces, then `suffix`. Lets an entry of any size be
// deflated while only 1 MiB of it exists at a time.
std::function<size_t(char*, size_t)> streamed(std::string prefix, uint64_t body_bytes,
                                              std::function<void(std::string&, size_t)> fill, std::string suffix) {
  struct State {
    std::string prefix, suffix, pending;
    uint64_t body_left;
    std::function<void(std::string&, size_t)> fill;
    int stage = 0;  // 0 prefix, 1 body, 2 suffix, 3 done
  };
  auto st = std::make_shared<State>();
  st->prefix = std::move(prefix);
  st->suffix = std::move(suffix);
  st->body_left = body_bytes;
  st->fill = std::move(fill);
  return [st](char* buf, size_t cap) -> size_t {
    size_t n = 0;
    while (n < cap && st->stage < 3) {
      if (st->pending.empty()) {
        if (st->stage == 0) {
          st->pending = std::move(st->prefix);
          st->stage = 1;
        } else if (st->stage == 1) {
          if (st->body_left == 0) {
            st->stage = 2;
            continue;
          }
          size_t want = static_cast<size_t>(std::min<uint64_t>(st->body_left, uint64_t{256} * 1024));
          st->fill(st->pending, want);
          if (st->pending.size() > want) st->pending.resize(want);
          st->body_left -= st->pending.size();
        } else {
          st->pending = std::move(st->suffix);
          st->stage = 3;
        }
        if (st->pending.empty()) continue;
      }
      size_t k = std::min(cap - n, st->pending.size());
      std::copy_n(st->pending.data(), k, buf + n);
      st->pending.erase(0, k);
      n += k;
    }
    return n;
  };
}

ZipEntry stored(std::string name, std::string data) {
  ZipEntry e;
  e.name = std::move(name);
  e.data = std::move(data);
  e.method = ZipMethod::kStored;
  return e;
}

ZipEntry deflated(std::string name, std::string data) {
  ZipEntry e = stored(std::move(name), std::move(data));
  e.method = ZipMethod::kDeflate;
  return e;
}

// An ordinary two-chapter EPUB 3 book the hostile parts are added to.
EpubSpec ordinary(const std::string& title) {
  EpubSpec s;
  s.metadata.title = title;
  s.metadata.authors = {{"Hostile Fixture", "Fixture, Hostile", "aut"}};
  s.chapters.push_back(make_chapter(
      "ch1.xhtml", "One", {"The first chapter has ordinary words in it.", "A second paragraph follows the first."}));
  s.chapters.push_back(make_chapter("ch2.xhtml", "Two", {"The second chapter ends the ordinary part."}));
  return s;
}

// A chapter in the spine whose bytes come from `entry` (added to the
// archive as given), not from the generated document.
void add_raw_chapter(EpubSpec& s, const std::string& file_name, ZipEntry entry,
                     const std::string& media_type = "application/xhtml+xml") {
  ChapterSpec c;
  c.file_name = file_name;
  c.media_type = media_type;
  c.in_archive = false;
  s.chapters.push_back(c);
  entry.name = "OEBPS/" + file_name;
  s.extra_files.push_back(std::move(entry));
}

// A minimal OPF around a manifest and spine, with `doctype` (which may hold
// an internal subset) and `title` written as given (unescaped).
std::string opf(const std::string& doctype, const std::string& title, const std::string& manifest,
                const std::string& spine) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + doctype +
         "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"uid\">\n"
         "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:identifier "
         "id=\"uid\">urn:uuid:hostile</dc:identifier>"
         "<dc:title>" +
         title +
         "</dc:title><dc:language>en</dc:language>"
         "<meta property=\"dcterms:modified\">2024-01-01T00:00:00Z</meta></metadata>\n"
         "<manifest>" +
         manifest + "</manifest>\n<spine>" + spine + "</spine>\n</package>\n";
}

constexpr const char* kLaughs =
    "<!DOCTYPE package [\n"
    "<!ENTITY lol \"lol\">\n"
    "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
    "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
    "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
    "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
    "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
    "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
    "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
    "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
    "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
    "]>\n";

std::string external_doctype(const std::string& root, const fs::path& secret) {
  return "<!DOCTYPE " + root + " [\n<!ENTITY secret SYSTEM \"file://" + secret.string() + "\">\n" +
         "<!ENTITY remote SYSTEM \"http://127.0.0.1:9/never-fetched.dtd\">\n" + "<!ENTITY % param SYSTEM \"file://" +
         secret.string() + "\">\n%param;\n]>\n";
}

// `depth` nested elements from a few inline names around `inner`, closed in
// order. Stored, not deflated: a million repeated tags compress past the
// zip-bomb ratio, and what is tested here is nesting, not compression.
std::string nested(size_t depth, const std::string& inner, uint64_t seed) {
  static constexpr std::string_view kNames[] = {"span", "b", "i", "em", "strong", "small"};
  Rng rng{seed};
  std::vector<uint8_t> picks(depth);
  std::string out;
  out.reserve(depth * 16 + inner.size());
  for (size_t i = 0; i < depth; ++i) {
    picks[i] = static_cast<uint8_t>(rng.below(std::size(kNames)));
    out += '<';
    out += kNames[picks[i]];
    out += '>';
  }
  out += inner;
  for (size_t i = depth; i-- > 0;) {
    out += "</";
    out += kNames[picks[i]];
    out += '>';
  }
  return out;
}

std::string utf16(std::string_view ascii, bool big_endian, bool bom) {
  std::string out;
  if (bom) out += big_endian ? std::string("\xFE\xFF", 2) : std::string("\xFF\xFE", 2);
  for (char c : ascii) {
    if (big_endian) {
      out.push_back('\0');
      out.push_back(c);
    } else {
      out.push_back(c);
      out.push_back('\0');
    }
  }
  return out;
}

using Writer = std::function<std::string(const fs::path& dir)>;

struct Entry {
  HostileBook book;
  Writer write;  // the .epub bytes
};

const std::vector<Entry>& library() {
  static const std::vector<Entry> books = [] {
    std::vector<Entry> v;
    auto add = [&](std::string name, std::string what, Writer w) {
      v.push_back({{std::move(name), std::move(what)}, std::move(w)});
    };

    // ---- zip bombs ----------------------------------------------------------
    add("zip-bomb-ratio", "a 16 MiB run of zeros deflated about 1030:1, declared honestly", [](const fs::path&) {
      EpubSpec s = ordinary("Ratio bomb");
      ZipEntry bomb;
      bomb.name = "OEBPS/images/plate.png";
      bomb.deflated = deflate_zeros(16ull << 20);
      s.extra_files.push_back(bomb);
      return build_epub(s);
    });
    add("zip-bomb-lying-header", "a spine document that declares 1 KiB and inflates to 16 MiB of zeros",
        [](const fs::path&) {
          EpubSpec s = ordinary("Lying bomb");
          ZipEntry bomb;
          bomb.deflated = deflate_zeros(16ull << 20);
          bomb.declared_size = 1024;
          add_raw_chapter(s, "bomb.xhtml", bomb);
          return build_epub(s);
        });
    add("zip-bomb-nested", "a zip in the book holding 16 zips of 16 zero bombs each (4 GiB if unpacked)",
        [](const fs::path&) {
          EpubSpec s = ordinary("Nested bomb");
          ZipEntry kernel;
          kernel.deflated = deflate_zeros(16ull << 20);
          std::vector<ZipEntry> level1;
          for (int i = 0; i < 16; ++i) {
            kernel.name = "bomb" + std::to_string(i) + ".bin";
            level1.push_back(kernel);
          }
          std::string inner = build_zip(level1);
          std::vector<ZipEntry> level2;
          level2.reserve(16);
          for (int i = 0; i < 16; ++i) level2.push_back(stored("inner" + std::to_string(i) + ".zip", inner));
          // In the spine as a foreign item without fallback: listed, never unpacked.
          add_raw_chapter(s, "archive.zip", stored("", build_zip(level2)), "application/zip");
          return build_epub(s);
        });
    add("zip-bomb-many-entries", "10,000 entries of 1 MiB of zeros each, every one just under the ratio floor",
        [](const fs::path&) {
          EpubSpec s = ordinary("Many-entries bomb");
          ZipEntry e;
          e.deflated = deflate_zeros(1ull << 20);
          for (int i = 0; i < 10000; ++i) {
            e.name = "OEBPS/data/blob" + std::to_string(i) + ".bin";
            s.extra_files.push_back(e);
          }
          return build_epub(s);
        });

    // ---- entry names --------------------------------------------------------
    add("names-dotdot", "entries named ../../../../tmp/… and OEBPS/../../…", [](const fs::path&) {
      EpubSpec s = ordinary("Dot-dot names");
      s.extra_files.push_back(deflated("../../../../tmp/epubtok-escaped.xhtml", xhtml("<p>escaped</p>")));
      s.extra_files.push_back(deflated("OEBPS/../../outside.xhtml", xhtml("<p>outside</p>")));
      return build_epub(s);
    });
    add("names-absolute", "entries with absolute names (/etc/…)", [](const fs::path&) {
      EpubSpec s = ordinary("Absolute names");
      s.extra_files.push_back(deflated("/etc/epubtok-absolute.conf", "absolute=1\n"));
      s.extra_files.push_back(deflated("/OEBPS/ch1.xhtml", xhtml("<p>impostor</p>")));
      return build_epub(s);
    });
    add("names-backslash", "chapters stored under Windows separators (OEBPS\\text\\ch.xhtml)", [](const fs::path&) {
      EpubSpec s = ordinary("Backslash names");
      for (ChapterSpec& c : s.chapters) {
        c.manifest_href = "text/" + c.file_name;
        c.file_name = "text\\" + c.file_name;
      }
      return build_epub(s);
    });
    add("names-nul", "entry names with NUL bytes inside", [](const fs::path&) {
      EpubSpec s = ordinary("NUL names");
      s.extra_files.push_back(deflated(std::string("OEBPS/ch1.xhtml\0.exe", 20), xhtml("<p>after the NUL</p>")));
      s.extra_files.push_back(deflated(std::string("\0\0\0", 3), "nul"));
      return build_epub(s);
    });
    add("names-duplicate", "the same chapter name twice with different contents", [](const fs::path&) {
      EpubSpec s = ordinary("Duplicate names");
      s.extra_files.push_back(deflated("OEBPS/ch1.xhtml", xhtml("<p>the impostor copy</p>")));
      s.extra_files.push_back(deflated("OEBPS/ch1.xhtml", xhtml("<p>a third copy</p>")));
      return build_epub(s);
    });

    // ---- damaged archives ---------------------------------------------------
    add("truncated-central-directory", "cut in the middle of the central directory", [](const fs::path&) {
      std::string bytes = build_epub(ordinary("Truncated"));
      // End record: central directory size at +12, offset at +16.
      const size_t eocd = bytes.size() - 22;
      auto u32 = [&](size_t at) {
        return static_cast<uint32_t>(static_cast<unsigned char>(bytes[at])) |
               static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 8 |
               static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 16 |
               static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 3])) << 24;
      };
      bytes.resize(u32(eocd + 16) + u32(eocd + 12) / 2);
      return bytes;
    });
    add("wrong-crc", "a chapter whose CRC-32 does not match its data", [](const fs::path&) {
      EpubSpec s = ordinary("Wrong CRC");
      ZipEntry e = deflated("", xhtml("<p>Damaged words.</p>"));
      e.corrupt_crc = true;
      add_raw_chapter(s, "damaged.xhtml", e);
      return build_epub(s);
    });
    add("zip64-70000-entries", "70,000 entries: zip64 end records, 16-bit counts overflowed", [](const fs::path&) {
      EpubSpec s = ordinary("Zip64 entries");
      for (int i = 0; i < 70000; ++i)
        s.extra_files.push_back(stored("OEBPS/px/" + std::to_string(i) + ".gif", "GIF89a"));
      return build_epub(s);
    });
    add("aes-encrypted", "every entry but mimetype WinZip-AES encrypted (method 99)", [](const fs::path&) {
      EpubSpec s = ordinary("AES");
      std::vector<ZipEntry> entries;
      // The plain book's entries, re-stored as AES-256 ciphertext look-alikes.
      Rng rng{99};
      for (const auto& [name, size] : std::vector<std::pair<std::string, size_t>>{{"META-INF/container.xml", 250},
                                                                                  {"OEBPS/content.opf", 1200},
                                                                                  {"OEBPS/ch1.xhtml", 400},
                                                                                  {"OEBPS/ch2.xhtml", 300}}) {
        std::string cipher(16 + 2 + size + 10, '\0');  // salt, verifier, data, authentication code
        for (char& c : cipher) c = static_cast<char>(rng.next());
        ZipEntry e = stored(name, cipher);
        e.encrypted_flag = true;
        e.method_override = 99;
        // AES extra field: id 0x9901, 7 bytes: AE-2, "AE", AES-256, deflate.
        e.extra_field = std::string(
            "\x01\x99\x07\x00\x02\x00"
            "AE"
            "\x03\x08\x00",
            11);
        entries.push_back(e);
      }
      entries.insert(entries.begin(), stored("mimetype", "application/epub+zip"));
      return build_zip(entries);
    });

    // ---- XML attacks --------------------------------------------------------
    add("billion-laughs-opf", "internal entities expanding to 10^9 \"lol\"s in the OPF title", [](const fs::path&) {
      EpubSpec s = ordinary("Laughs");
      s.opf_xml = opf(kLaughs, "Laughs &lol9;",
                      "<item id=\"c1\" href=\"ch1.xhtml\" media-type=\"application/xhtml+xml\"/>"
                      "<item id=\"c2\" href=\"ch2.xhtml\" media-type=\"application/xhtml+xml\"/>",
                      "<itemref idref=\"c1\"/><itemref idref=\"c2\"/>");
      s.nav = false;
      return build_epub(s);
    });
    add("billion-laughs-xhtml", "internal entities expanding to 10^9 \"lol\"s in a chapter", [](const fs::path&) {
      EpubSpec s = ordinary("Laughs in XHTML");
      std::string doctype = kLaughs;
      doctype.replace(doctype.find("package"), 7, "html");
      add_raw_chapter(s, "laughs.xhtml",
                      deflated("", "<?xml version=\"1.0\"?>\n" + doctype +
                                       "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>Laughing: &lol9;</p>"
                                       "<p>Still &lol8; &lol7;.</p></body></html>"));
      return build_epub(s);
    });
    add("external-entity", "DOCTYPEs with SYSTEM entities naming a local file and a URL, in the OPF and a chapter",
        [](const fs::path& dir) {
          fs::path secret = fs::absolute(dir / "outside-secret.txt");
          if (!write_file(secret.string(), std::string(kHostileSecret) + "\n"))
            throw std::runtime_error("cannot write " + secret.string());
          EpubSpec s = ordinary("External &amp; entities");
          s.opf_xml = opf(external_doctype("package", secret), "External &secret; &remote;",
                          "<item id=\"c1\" href=\"ch1.xhtml\" media-type=\"application/xhtml+xml\"/>"
                          "<item id=\"c2\" href=\"ch2.xhtml\" media-type=\"application/xhtml+xml\"/>"
                          "<item id=\"x\" href=\"xxe.xhtml\" media-type=\"application/xhtml+xml\"/>",
                          "<itemref idref=\"c1\"/><itemref idref=\"x\"/><itemref idref=\"c2\"/>");
          s.nav = false;
          s.extra_files.push_back(deflated(
              "OEBPS/xxe.xhtml", "<?xml version=\"1.0\"?>\n" + external_doctype("html", secret) +
                                     "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>Before &secret; after "
                                     "&remote; end.</p></body></html>"));
          return build_epub(s);
        });

    // ---- extremes -----------------------------------------------------------
    add("deep-nesting-xhtml", "a chapter with elements nested 1,000,000 deep", [](const fs::path&) {
      EpubSpec s = ordinary("Deep XHTML");
      add_raw_chapter(s, "deep.xhtml", stored("", xhtml("<div>" + nested(1000000, "deep words", 1) + "</div>")));
      return build_epub(s);
    });
    add("deep-nesting-opf", "an OPF title nested 1,000,000 elements deep", [](const fs::path&) {
      EpubSpec s = ordinary("Deep OPF");
      s.opf_xml = opf("", nested(1000000, "Deep title", 2),
                      "<item id=\"c1\" href=\"ch1.xhtml\" media-type=\"application/xhtml+xml\"/>"
                      "<item id=\"c2\" href=\"ch2.xhtml\" media-type=\"application/xhtml+xml\"/>",
                      "<itemref idref=\"c1\"/><itemref idref=\"c2\"/>");
      s.nav = false;
      s.method = ZipMethod::kStored;
      return build_epub(s);
    });
    add("deep-nesting-ncx", "an EPUB 2 NCX whose navPoints nest 1,000,000 deep", [](const fs::path&) {
      EpubSpec s = ordinary("Deep NCX");
      s.version = 2;
      s.method = ZipMethod::kStored;
      const size_t depth = 1000000;
      std::string points;
      points.reserve(depth * 22 + depth / 1000 * 40);
      for (size_t i = 0; i < depth; ++i) {
        points += "<navPoint>";
        if (i % 1000 == 0) points += "<content src=\"ch" + std::to_string(1 + i / 1000 % 2) + ".xhtml\"/>";
      }
      for (size_t i = 0; i < depth; ++i) points += "</navPoint>";
      s.ncx_xml =
          "<?xml version=\"1.0\"?>\n<ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" version=\"2005-1\">"
          "<head/><docTitle><text>Deep</text></docTitle><navMap>" +
          points + "</navMap></ncx>\n";
      return build_epub(s);
    });
    add("attribute-50mb", "a 50 MB attribute value", [](const fs::path&) {
      EpubSpec s = ordinary("Huge attribute");
      auto words = std::make_shared<WordSource>(3);
      ZipEntry e;
      e.deflate_level = 1;
      e.source = streamed(
          std::string(kXhtmlHead) + "<p title=\"", 50ull << 20,
          [words](std::string& out, size_t n) {
            while (out.size() < n) out.push_back(words->letter());
          },
          "\">Visible words after the attribute.</p>" + std::string(kXhtmlTail));
      add_raw_chapter(s, "attribute.xhtml", e);
      return build_epub(s);
    });
    add("utf16-bom", "a UTF-16LE chapter with a byte-order mark", [](const fs::path&) {
      EpubSpec s = ordinary("UTF-16 with BOM");
      add_raw_chapter(s, "utf16le.xhtml",
                      deflated("", utf16("<?xml version=\"1.0\" encoding=\"UTF-16\"?><html xmlns=\"http://www.w3.org/"
                                         "1999/xhtml\"><body><p>Sixteen bit words with a mark.</p></body></html>",
                                         false, true)));
      return build_epub(s);
    });
    add("utf16-no-bom", "a UTF-16BE chapter without a byte-order mark", [](const fs::path&) {
      EpubSpec s = ordinary("UTF-16 without BOM");
      add_raw_chapter(s, "utf16be.xhtml",
                      deflated("", utf16("<?xml version=\"1.0\" encoding=\"UTF-16\"?><html xmlns=\"http://www.w3.org/"
                                         "1999/xhtml\"><body><p>Sixteen bit words without a mark.</p></body></html>",
                                         true, false)));
      return build_epub(s);
    });
    add("invalid-utf8", "a UTF-8 chapter with stray continuation bytes, overlongs, surrogates and 0xFF",
        [](const fs::path&) {
          EpubSpec s = ordinary("Invalid UTF-8");
          add_raw_chapter(s, "invalid.xhtml",
                          deflated("", xhtml("<p>caf\xC3 bad \x80\x80 overlong \xC0\xAF surrogate \xED\xA0\x80 "
                                             "ff \xFF\xFE end \xF4\x90\x80\x80 cut \xE2\x82</p>")));
          return build_epub(s);
        });
    add("chapter-200mb", "one 200 MB chapter of text (counted with --max-mb 100)", [](const fs::path&) {
      EpubSpec s = ordinary("Two hundred megabytes");
      auto words = std::make_shared<WordSource>(4);
      ZipEntry e;
      e.deflate_level = 1;
      e.source = streamed(
          std::string(kXhtmlHead), 200ull << 20,
          [words](std::string& out, size_t n) {
            while (out.size() < n) {
              out += "<p>";
              for (int w = 0; w < 60; ++w) {
                words->append_word(out);
                out.push_back(w == 59 ? '.' : ' ');
              }
              out += "</p>\n";
            }
          },
          kXhtmlTail);
      add_raw_chapter(s, "huge.xhtml", e);
      return build_epub(s);
    });
    add("no-spaces-1mb", "a 1,000,000-byte run of letters without a space", [](const fs::path&) {
      EpubSpec s = ordinary("No spaces");
      WordSource words(5);
      std::string run;
      run.reserve(1000000);
      while (run.size() < 1000000) run.push_back(words.letter());
      add_raw_chapter(s, "run.xhtml", deflated("", xhtml("<p>" + run + "</p>")));
      return build_epub(s);
    });
    add("combining-mark-1mb", "a 1,000,000-byte run of one combining mark (U+0301)", [](const fs::path&) {
      EpubSpec s = ordinary("Combining marks");
      std::string run;
      run.reserve(1000000);
      while (run.size() < 1000000) run += "\xCC\x81";
      add_raw_chapter(s, "marks.xhtml", deflated("", xhtml("<p>e" + run + "</p>")));
      return build_epub(s);
    });

    // ---- not quite books ----------------------------------------------------
    add("docx-renamed", "a Word .docx renamed to .epub", [](const fs::path&) {
      std::vector<ZipEntry> entries;
      entries.push_back(
          deflated("[Content_Types].xml",
                   "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
                   "content-types\"><Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>"));
      entries.push_back(deflated("_rels/.rels",
                                 "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/"
                                 "package/2006/relationships\"/>"));
      entries.push_back(deflated("word/document.xml",
                                 "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/"
                                 "wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p>"
                                 "</w:body></w:document>"));
      return build_zip(entries);
    });
    add("spine-100000", "an OPF whose spine names 100,000 items", [](const fs::path&) {
      EpubSpec s;
      s.metadata.title = "A hundred thousand pages";
      s.method = ZipMethod::kStored;
      s.nav = false;
      s.chapters.reserve(100000);
      for (int i = 0; i < 100000; ++i) {
        ChapterSpec c;
        c.file_name = "p/" + std::to_string(i) + ".xhtml";
        c.raw_document = "<html><body><p>Page " + std::to_string(i) + ".</p></body></html>";
        s.chapters.push_back(std::move(c));
      }
      return build_epub(s);
    });
    return v;
  }();
  return books;
}

}  // namespace

const std::vector<HostileBook>& hostile_books() {
  static const std::vector<HostileBook> list = [] {
    std::vector<HostileBook> v;
    for (const Entry& e : library()) v.push_back(e.book);
    return v;
  }();
  return list;
}

fs::path write_hostile_book(const std::string& name, const fs::path& dir) {
  for (const Entry& e : library()) {
    if (e.book.name != name) continue;
    std::error_code ec;
    fs::create_directories(dir, ec);
    fs::path path = dir / (name + ".epub");
    if (!write_file(path.string(), e.write(dir))) throw std::runtime_error("cannot write " + path.string());
    return path;
  }
  throw std::invalid_argument("no hostile book named " + name);
}

}  // namespace epubtok::testing
