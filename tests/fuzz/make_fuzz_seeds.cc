// Writes the seed corpora of the libFuzzer targets in this folder, one
// folder per target under the directory given as argv[1], from the
// project's own fixture builders (tests/support) — no committed blobs.
// `make fuzz` runs it; the seeds are small on purpose (libFuzzer takes its
// default -max_len from the largest seed).
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "epub/zip_archive.h"
#include "results/results_document.h"
#include "support/epub_builder.h"
#include "support/prose.h"
#include "support/tricky_strings.h"

using namespace epubtok;
using namespace epubtok::testing;
using epubtok::test_support::generate_prose;
namespace fs = std::filesystem;

namespace {

fs::path g_root;
int g_failed = 0;

void seed(std::string_view target, std::string_view name, std::string_view bytes) {
  fs::path p = g_root / std::string(target) / std::string(name);
  if (!write_file(p.string(), bytes)) {
    std::fprintf(stderr, "make_fuzz_seeds: cannot write %s\n", p.c_str());
    ++g_failed;
  }
}

std::string utf16(std::string_view ascii, bool big_endian, bool bom) {
  std::string out;
  if (bom) out += big_endian ? "\xFE\xFF" : "\xFF\xFE";
  for (char c : ascii) {
    if (big_endian) out.push_back('\0');
    out.push_back(c);
    if (!big_endian) out.push_back('\0');
  }
  return out;
}

ZipEntry entry(std::string name, std::string data, ZipMethod method = ZipMethod::kDeflate) {
  ZipEntry e;
  e.name = std::move(name);
  e.data = std::move(data);
  e.method = method;
  return e;
}

// Small books covering the reader's features and defects.
std::vector<std::pair<std::string, EpubSpec>> books() {
  std::vector<std::pair<std::string, EpubSpec>> out;
  auto chapters = [](int n) {
    std::vector<ChapterSpec> c;
    for (int i = 1; i <= n; ++i) {
      c.push_back(make_chapter("text/ch" + std::to_string(i) + ".xhtml", "Chapter " + std::to_string(i),
                               {generate_prose("en", static_cast<uint64_t>(i), 30), "Caf\xC3\xA9 & \"quotes\""}));
    }
    return c;
  };
  EpubSpec v3;
  v3.metadata.title = "Seed Three";
  v3.metadata.authors = {{"A. Writer", "Writer, A.", "aut"}};
  v3.metadata.identifiers = {{"9780306406157", "ISBN"}};
  v3.metadata.series = "Seeds";
  v3.metadata.series_index = "2";
  v3.chapters = chapters(3);
  v3.chapters[0].landmark = "cover";
  v3.chapters[1].landmark = "bodymatter";
  v3.chapters[2].linear = false;
  out.emplace_back("epub3", v3);

  EpubSpec v2 = v3;
  v2.version = 2;
  v2.chapters[0].guide_type = "title-page";
  out.emplace_back("epub2", v2);

  EpubSpec stored = v3;
  stored.method = ZipMethod::kStored;
  stored.data_descriptors = true;
  out.emplace_back("stored-descriptors", stored);

  EpubSpec z64 = v3;
  z64.zip64 = true;
  z64.chapters.resize(1);
  out.emplace_back("zip64", z64);

  EpubSpec cp437 = v2;
  cp437.cp437_names = true;
  cp437.chapters = {make_chapter("text/caf\xC3\xA9.xhtml", "Caf\xC3\xA9", {"Un caf\xC3\xA9."})};
  out.emplace_back("cp437", cp437);

  EpubSpec soup = v2;
  soup.chapters = {make_chapter("a.html", "Soup", {})};
  soup.chapters[0].raw_document =
      "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">"
      "<title>x</title><style>p{}</style></head><body><p>Caf\xE9 &eacute; &mdash; &#x263A; &#55357;"
      "<br>line<pre>  kept\n\n  lines</pre><ruby>\xE6\xBC\xA2<rt>kan</rt></ruby><script>x()</script>";
  soup.chapters[0].media_type = "text/html";
  out.emplace_back("tag-soup-1252", soup);

  EpubSpec svg = v3;
  svg.chapters = {make_chapter("img.svg", "", {})};
  svg.chapters[0].raw_document =
      "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>t</title><text>Hello <tspan>svg</tspan></text>"
      "<foreignObject><p xmlns=\"http://www.w3.org/1999/xhtml\">inside</p></foreignObject></svg>";
  svg.chapters[0].media_type = "image/svg+xml";
  out.emplace_back("svg", svg);

  EpubSpec u16 = v3;
  u16.chapters = {make_chapter("u16.xhtml", "U16", {})};
  u16.chapters[0].raw_document = utf16(
      "<?xml version=\"1.0\" encoding=\"UTF-16\"?><html xmlns=\"http://www.w3.org/1999/xhtml\"><body>"
      "<p>sixteen bits</p></body></html>",
      false, true);
  out.emplace_back("utf16", u16);

  EpubSpec missing = v3;
  missing.chapters[1].in_archive = false;
  out.emplace_back("missing-item", missing);

  EpubSpec drm = v3;
  drm.encryption_xml =
      "<encryption xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\" "
      "xmlns:enc=\"http://www.w3.org/2001/04/xmlenc#\"><enc:EncryptedData>"
      "<enc:EncryptionMethod Algorithm=\"http://www.idpf.org/2008/embedding\"/>"
      "<enc:CipherData><enc:CipherReference URI=\"OEBPS/font.otf\"/></enc:CipherData>"
      "</enc:EncryptedData></encryption>";
  out.emplace_back("font-obfuscation", drm);

  EpubSpec no_mimetype = v2;
  no_mimetype.mimetype = MimetypeMode::kMissing;
  no_mimetype.opf_path = "content.opf";
  out.emplace_back("no-mimetype-root-opf", no_mimetype);
  return out;
}

void zip_and_book_seeds() {
  for (const auto& [name, spec] : books()) {
    std::string bytes = build_epub(spec);
    seed("zip_fuzz", name, bytes);
    seed("book_fuzz", name, bytes);
    // The documents inside, for the document-level targets.
    fs::path tmp = g_root / "tmp.epub";
    write_file(tmp.string(), bytes);
    auto zip = epub::ZipArchive::open(tmp.string(), epub::ZipLimits{});
    if (!zip) {
      std::fprintf(stderr, "make_fuzz_seeds: %s does not open: %s\n", name.c_str(), zip.status().message().c_str());
      ++g_failed;
      continue;
    }
    for (size_t i = 0; i < zip->names().size(); ++i) {
      const std::string& entry = zip->names()[i];
      auto data = zip->read(i);
      if (!data) continue;
      std::string file = name + "-" + fs::path(entry).filename().string();
      std::string ext = fs::path(entry).extension().string();
      if (entry == "META-INF/container.xml" || ext == ".opf") seed("package_fuzz", file, *data);
      if (ext == ".ncx" || fs::path(entry).filename() == "nav.xhtml") seed("nav_fuzz", file, *data);
      if (ext == ".xhtml" || ext == ".html" || ext == ".svg") {
        seed("html_fuzz", file, *data);
        seed("charset_fuzz", file, *data);
      }
    }
    fs::remove(tmp);
  }
  ZipEntry crc = entry("mimetype", "application/epub+zip", ZipMethod::kStored);
  crc.corrupt_crc = true;
  seed("zip_fuzz", "bad-crc", build_zip({crc, entry("a.txt", "hello hello hello")}));
  ZipEntry enc = entry("a.txt", "secret");
  enc.encrypted_flag = true;
  seed("zip_fuzz", "encrypted-flag", build_zip({enc}));
  ZipEntry liar = entry("a.txt", std::string(4000, 'x'));
  liar.declared_size = 10;
  seed("zip_fuzz", "lying-size", build_zip({liar}));
  ZipEntry bomb = entry("zeros.bin", "");
  bomb.zero_fill = 8u << 20;
  seed("zip_fuzz", "bomb", build_zip({bomb}));
  seed("zip_fuzz", "empty-zip", build_zip({}));
  seed("zip_fuzz", "zip64-end", build_zip({entry("x", "y", ZipMethod::kStored)}, true));
  std::string cut = build_epub(books()[0].second);
  seed("zip_fuzz", "truncated", cut.substr(0, cut.size() / 2));
  seed("book_fuzz", "truncated", cut.substr(0, cut.size() / 2));
}

void text_seeds() {
  const auto& tricky = test_support::tricky_strings();
  // A sample of the tricky strings, each as a paragraph and raw.
  for (size_t i = 0; i < tricky.size(); i += 7) {
    seed("charset_fuzz", "tricky-" + std::to_string(i), tricky[i]);
    seed("html_fuzz", "tricky-" + std::to_string(i), "<p>" + xml_escape(tricky[i]) + "</p>");
  }
  const std::vector<std::pair<std::string, std::string>> docs = {
      {"entities",
       "<p>&amp;&lt;&gt;&quot;&apos;&nbsp;&eacute;&Eacute;&notin;&not &#0;&#xD800;&#x110000;&#65;"
       "&#x1F600;&NotNestedGreaterGreater;&acE;&unknown; &amp</p>"},
      {"blocks",
       "<div>a<p>b</p>c<br/>d<ul><li>e</li><li>f</li></ul><table><tr><td>g</td><td>h</td></tr></table></div>"},
      {"pre", "<pre>\n  one\n\n  two  </pre><listing>x\n\ny</listing><textarea>t\n\nu</textarea>"},
      {"ruby-math",
       "<ruby>\xE6\xBC\xA2<rp>(</rp><rt>kan</rt><rp>)</rp></ruby><math><mi>x</mi>"
       "<annotation-xml>no</annotation-xml></math>"},
      {"svg", "<svg><desc>d</desc><text>t<tspan>s</tspan></text><foreignObject><p>f</p></foreignObject></svg>"},
      {"comments", "<!-- c --><![CDATA[cd]]><?pi x?><!DOCTYPE html><p>after</p><template><p>t</p></template>"},
      {"xml-1252", "<?xml version=\"1.0\" encoding=\"windows-1252\"?><p>\x93quoted\x94 caf\xE9</p>"},
      {"meta-latin1", "<html><head><meta charset=\"ISO-8859-1\"></head><body>\xE9t\xE9</body></html>"},
      {"shift-jis", "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><p>\x82\xA0\x82\xA2</p>"},
      {"gb2312", "<meta charset=\"gb2312\"><p>\xC4\xE3\xBA\xC3</p>"},
      {"unknown-label", "<?xml version=\"1.0\" encoding=\"x-no-such-charset\"?><p>x</p>"},
      {"utf16le-bom", utf16("<p>le bom</p>", false, true)},
      {"utf16be-nobom", utf16("<?xml version=\"1.0\"?><p>be</p>", true, false)},
      {"utf8-bom", "\xEF\xBB\xBF<p>bom</p>"},
      {"invalid-utf8", "<p>\xC3\x28 \xE2\x82 \xF0\x9F\x98 \xED\xA0\x80 \xF4\x90\x80\x80 \xC0\xAF</p>"},
  };
  for (const auto& [name, doc] : docs) {
    seed("html_fuzz", name, doc);
    seed("charset_fuzz", name, doc);
  }
}

void results_seeds() {
  using Row = decltype(results::ResultsDocument{}.results)::value_type;
  Row ok;
  ok.file_path = "books/a.epub";
  ok.file_name = "a.epub";
  ok.file_size = 1234;
  ok.metadata.title = "A \"title\", with, commas";
  ok.metadata.authors = {{"Jo", "Jo", "aut"}};
  ok.metadata.languages = {"en"};
  ok.word_count = 150;
  ok.char_count = 700;
  ok.token_counts = {{"cl100k_base", 200}, {"llama-3", 210}};
  ok.warnings = {"no mimetype entry"};
  decltype(ok.chapters)::value_type ch;
  ch.index = 0;
  ch.title = "One";
  ch.href = "OEBPS/one.xhtml";
  ch.word_count = 150;
  ch.char_count = 700;
  ch.token_counts = ok.token_counts;
  ok.chapters = {ch};
  Row bad;
  bad.file_path = "books/b.epub";
  bad.file_name = "b.epub";
  bad.error = decltype(bad.error)::value_type{"EPUB_DRM", "encrypted"};
  for (auto [name, status] :
       {std::pair{"v2-error", model::BookStatus::kError}, {"v2-skipped", model::BookStatus::kSkipped}}) {
    bad.status = status;
    model::RunRequest options;
    options.tokenizers = {"cl100k_base", "llama-3"};
    options.paths = {"books"};
    seed("results_fuzz", name, results::to_json_text(results::make_document(options, {ok, bad})));
  }
  seed("results_fuzz", "v1",
       R"({"schema_version":"1.0","results":[{"file_path":"books/x.epub","word_count":500,)"
       R"("token_counts":{"gpt4":700,"claude":650},"epub_metadata":{"title":"X","author":"Jo Writer",)"
       R"("language":"fr"},"processed_at":"2026-01-21T00:00:00.000Z"},{"file_path":"books/y.epub",)"
       R"("word_count":10,"token_counts":[{"name":"gpt4","count":12}]}]})");
  seed("results_fuzz", "v2-empty", R"({"schema_version":"2.0","results":[]})");
}

std::string multipart_body(const std::string& boundary, const std::vector<std::pair<std::string, std::string>>& parts) {
  std::string body = "preamble\r\n";
  for (const auto& [disposition, content] : parts) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; " + disposition +
            "\r\nContent-Type: application/epub+zip\r\n\r\n" + content + "\r\n";
  }
  return body + "--" + boundary + "--\r\n";
}

void upload_seeds() {
  EpubSpec tiny;
  tiny.chapters = {make_chapter("c.xhtml", "C", {"Tiny."})};
  tiny.nav = false;
  std::string epub = build_epub(tiny);
  const std::string b = "----epubtokBoundary7MA4YWxk";
  seed("multipart_fuzz", "one-file",
       "multipart/form-data; boundary=" + b + "\n" + multipart_body(b, {{"name=\"file\"; filename=\"a.epub\"", epub}}));
  seed("multipart_fuzz", "two-files-and-field",
       "multipart/form-data; boundary=\"" + b + "\"\n" +
           multipart_body(b, {{"name=\"note\"", "hello"},
                              {"name=\"file\"; filename=\"../../etc/b.epub\"", epub},
                              {"name=\"file\"; filename=\"c\\\\d.epub\"", epub}}));
  seed("multipart_fuzz", "not-zip",
       "multipart/form-data; boundary=" + b + "\n" + multipart_body(b, {{"filename=\"x.epub\"", "not a zip"}}));
  seed("multipart_fuzz", "raw", std::string("application/epub+zip\n") + epub);
  seed("multipart_fuzz", "raw-nul-name", std::string("..\0/x.epub\n", 11) + epub);

  const std::string host = "Host: 127.0.0.1:8787\r\n";
  auto req = [&](const std::string& head, const std::string& body = "") {
    std::string r = head + "\r\n" + host;
    if (!body.empty()) r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    return r + "\r\n" + body;
  };
  const std::vector<std::pair<std::string, std::string>> http = {
      {"health", req("GET /api/health HTTP/1.1")},
      {"models", req("GET /api/models HTTP/1.1")},
      {"jobs-post",
       req("POST /api/jobs HTTP/1.1", R"({"paths":["a.epub","shelf"],"tokenizers":["alpha"],"recursive":true})")},
      {"jobs-list", req("GET /api/jobs?limit=5&status=completed&cursor=3 HTTP/1.1")},
      {"job-get", req("GET /api/jobs/job_0000000000000001 HTTP/1.1")},
      {"job-delete", req("DELETE /api/jobs/job_0000000000000001 HTTP/1.1")},
      {"job-cancel", req("POST /api/jobs/job_0000000000000001/cancel HTTP/1.1")},
      {"job-results", req("GET /api/jobs/job_0000000000000001/results.csv HTTP/1.1")},
      {"job-events", req("GET /api/jobs/job_0000000000000001/events HTTP/1.1\r\nLast-Event-ID: 3")},
      {"events", req("GET /api/events HTTP/1.1")},
      {"process", req("POST /api/process HTTP/1.1", R"({"path":"shelf","maxMb":5,"recursive":false})")},
      {"validate", req("POST /api/results/validate HTTP/1.1", R"({"schema_version":"2.0","results":[]})")},
      {"fs", req("GET /api/fs?path=shelf HTTP/1.1")},
      {"fs-escape", req("GET /api/fs?path=escape%2F..%2F..%2F HTTP/1.1")},
      {"static", req("GET /assets/app.js HTTP/1.1")},
      {"static-escape", req("GET /%2e%2e/secret.txt HTTP/1.1")},
      {"index", req("HEAD / HTTP/1.0")},
      {"options", req("OPTIONS /api/jobs HTTP/1.1\r\nOrigin: http://localhost:5173")},
      {"bad-host", "GET /api/health HTTP/1.1\r\nHost: evil.example\r\n\r\n"},
      {"chunked", "POST /api/jobs HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"pat\r\n0\r\n\r\n"},
  };
  for (const auto& [name, r] : http) seed("http_fuzz", name, r);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_fuzz_seeds DIR\n");
    return 2;
  }
  g_root = argv[1];
  zip_and_book_seeds();
  text_seeds();
  results_seeds();
  upload_seeds();
  return g_failed ? 1 : 0;
}
