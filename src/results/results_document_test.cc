#include "results/results_document.h"

#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace epubtok::results {
namespace {
using model::BookResult;
using model::BookStatus;
using ::testing::HasSubstr;

BookResult ok_book(const std::string& name, uint64_t words, uint64_t a, uint64_t b) {
  BookResult r;
  r.file_path = "/lib/" + name;
  r.file_name = name;
  r.file_size = 1000;
  r.metadata.title = "Title of " + name;
  r.metadata.authors = {{"Ann Author", "Author, Ann", "aut"}};
  r.metadata.languages = {"en"};
  r.word_count = words;
  r.char_count = words * 5;
  r.token_counts = {{"o200k_base", a}, {"claude", b}};
  model::ChapterResult ch;
  ch.index = 0;
  ch.title = "One";
  ch.href = "OEBPS/one.xhtml";
  ch.kind = epub::ChapterKind::kFront;
  ch.word_count = words;
  ch.token_counts = r.token_counts;
  r.chapters.push_back(ch);
  return r;
}

BookResult failed_book(const std::string& name, BookStatus status, std::string code) {
  BookResult r;
  r.file_path = "/lib/" + name;
  r.file_name = name;
  r.status = status;
  r.error = model::BookError{std::move(code), "something about " + name + "\nsecond line"};
  return r;
}

ResultsDocument sample() {
  model::RunRequest o;
  o.tokenizers = {"o200k_base", "claude"};
  o.paths = {"/lib"};
  return make_document(o, {ok_book("a.epub", 100, 130, 140), ok_book("b.epub", 50, 60, 70),
                           failed_book("bad.epub", BookStatus::kError, "EPUB_NOT_ZIP"),
                           failed_book("drm.epub", BookStatus::kSkipped, "EPUB_DRM")});
}

TEST(Summary, AddsOnlyCountedBooks) {
  Summary s = summarize(sample());
  EXPECT_EQ(s.total, 4u);
  EXPECT_EQ(s.ok, 2u);
  EXPECT_EQ(s.failed, 1u);
  EXPECT_EQ(s.skipped, 1u);
  EXPECT_EQ(s.word_count, 150u);
  ASSERT_EQ(s.token_counts.size(), 2u);
  EXPECT_EQ(s.token_counts[0], (std::pair<std::string, uint64_t>{"o200k_base", 190}));
  EXPECT_EQ(s.token_counts[1], (std::pair<std::string, uint64_t>{"claude", 210}));
}

TEST(Json, HasTheDocumentedShape) {
  boost::json::value v = boost::json::parse(to_json_text(sample()));
  EXPECT_EQ(v.at("schema_version"), "2.0");
  EXPECT_EQ(v.at("tool").at("name"), "epubtok");
  const auto& row = v.at("results").at(0);
  EXPECT_EQ(row.at("status"), "ok");
  EXPECT_EQ(row.at("token_counts").at("claude"), 140);
  EXPECT_EQ(row.at("chapters").at(0).at("kind"), "front");
  EXPECT_EQ(row.at("metadata").at("authors").at(0).at("file_as"), "Author, Ann");
  EXPECT_EQ(v.at("results").at(3).at("error").at("code"), "EPUB_DRM");
  EXPECT_EQ(v.at("summary").at("token_counts").at("o200k_base"), 190);
  EXPECT_FALSE(v.at("results").at(0).as_object().contains("error"));
}

TEST(Json, RecordsEachTokenizersExactnessAndApproximateRows) {
  ResultsDocument doc = sample();
  doc.results[0].approximate_tokens = {"claude"};
  doc.results[0].chapters[0].approximate_tokens = {"claude"};
  boost::json::value v = boost::json::parse(to_json_text(doc));
  const auto& exactness = v.at("options").at("tokenizer_exactness");
  EXPECT_EQ(exactness.at("o200k_base").at("exactness"), "exact");
  EXPECT_EQ(exactness.at("claude").at("exactness"), "approximate");
  EXPECT_FALSE(exactness.at("claude").at("reason").as_string().empty());
  EXPECT_EQ(v.at("results").at(0).at("approximate_token_counts"), boost::json::parse(R"(["claude"])"));
  EXPECT_EQ(v.at("results").at(0).at("chapters").at(0).at("approximate_token_counts"),
            boost::json::parse(R"(["claude"])"));
  EXPECT_FALSE(v.at("results").at(1).as_object().contains("approximate_token_counts"));
  Result<ResultsDocument> back = parse_results(to_json_text(doc));
  ASSERT_TRUE(back) << back.status().message();
  ASSERT_EQ(back->tokenizer_exactness.size(), 2u);
  EXPECT_EQ(back->tokenizer_exactness[1].exactness, "approximate");
  EXPECT_EQ(back->results[0].approximate_tokens, std::vector<std::string>{"claude"});
  EXPECT_THAT(parse_results(R"({"schema_version":"2.0","options":{"tokenizer_exactness":{"x":{"exactness":"sure",)"
                            R"("reason":""}}},"results":[]})")
                  .status()
                  .message(),
              HasSubstr("$.options.tokenizer_exactness.x.exactness: must be exact"));
}

TEST(Json, RoundTripsThroughTheReader) {
  ResultsDocument doc = sample();
  doc.results[1].approximate_tokens = {"claude"};
  Result<ResultsDocument> back = parse_results(to_json_text(doc));
  ASSERT_TRUE(back) << back.status().message();
  back->tool_version = doc.tool_version;
  EXPECT_EQ(to_json_text(*back), to_json_text(doc));
}

TEST(Reader, AcceptsTheOriginalToolsSchema10) {
  const char* legacy = R"({"schema_version":"1.0","results":[
    {"file_path":"books/x.epub","word_count":500,"token_counts":{"gpt4":700,"claude":650},
     "epub_metadata":{"title":"X","author":"Jo Writer","language":"fr"},"processed_at":"2026-01-21T00:00:00.000Z"},
    {"file_path":"books/y.epub","word_count":10,"token_counts":[{"name":"gpt4","count":12}]}]})";
  Result<ResultsDocument> doc = parse_results(legacy);
  ASSERT_TRUE(doc) << doc.status().message();
  ASSERT_EQ(doc->results.size(), 2u);
  EXPECT_EQ(doc->results[0].file_name, "x.epub");
  EXPECT_EQ(doc->results[0].metadata.authors.at(0).name, "Jo Writer");
  EXPECT_EQ(doc->results[0].metadata.languages.at(0), "fr");
  EXPECT_EQ(doc->results[1].token_counts.at(0).second, 12u);
  EXPECT_EQ(doc->options.tokenizers, (std::vector<std::string>{"gpt4", "claude"}));
  EXPECT_EQ(doc->generated_at, "2026-01-21T00:00:00.000Z");
  EXPECT_EQ(summarize(*doc).word_count, 510u);
}

TEST(Reader, ListsEveryProblemWithItsPath) {
  const char* bad = R"({"schema_version":"2.0","results":[
    {"status":"ok","word_count":-3,"token_counts":{"o200k_base":"many"}},
    {"file_path":"b.epub","status":"weird"},
    {"file_path":"c.epub","status":"error"}]})";
  Result<ResultsDocument> doc = parse_results(bad);
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.status().code(), ErrorCode::kInvalidSchema);
  const std::string m = doc.status().message();
  EXPECT_THAT(m, HasSubstr("$.results[0].file_path: is required"));
  EXPECT_THAT(m, HasSubstr("$.results[0].word_count: must be a non-negative integer"));
  EXPECT_THAT(m, HasSubstr("$.results[0].token_counts.o200k_base: must be a non-negative integer"));
  EXPECT_THAT(m, HasSubstr("$.results[1].status: must be"));
  EXPECT_THAT(m, HasSubstr("$.results[2].error: is required when status is error"));
}

TEST(Reader, RejectsNonJsonUnknownVersionsAndInconsistentSummaries) {
  EXPECT_EQ(parse_results("{not json").status().code(), ErrorCode::kInvalidJson);
  EXPECT_EQ(parse_results("[]").status().code(), ErrorCode::kInvalidSchema);
  EXPECT_THAT(parse_results(R"({"schema_version":"9","results":[]})").status().message(),
              HasSubstr("$.schema_version"));
  EXPECT_THAT(parse_results(R"({"schema_version":"2.0"})").status().message(), HasSubstr("$.results: is required"));
  std::string text = to_json_text(sample());
  text.replace(text.find("\"word_count\": 150"), 17, "\"word_count\": 151");
  EXPECT_THAT(parse_results(text).status().message(),
              HasSubstr("$.summary.word_count: is 151 but the results add up to 150"));
}

TEST(Csv, QuotesAndDefusesFormulas) {
  ResultsDocument doc = sample();
  doc.results[0].metadata.title = "=HYPERLINK(\"x\"), \"quoted\"";
  std::string csv = to_csv(doc);
  std::istringstream lines(csv);
  std::string header;
  std::getline(lines, header);
  EXPECT_THAT(header, HasSubstr("word_count,char_count,tokens_o200k_base,tokens_claude,processing_ms"));
  EXPECT_THAT(csv, HasSubstr(R"("'=HYPERLINK(""x""), ""quoted""")"));
  EXPECT_THAT(csv, HasSubstr(",100,500,130,140,"));
  // The error message's newline is inside a quoted field, so the row count holds.
  EXPECT_THAT(csv, HasSubstr("\"something about bad.epub\nsecond line\""));
}

TEST(Markdown, TabulatesBooksAndFailures) {
  ResultsDocument doc = sample();
  doc.results[1].metadata.title = "Pipes | in | title";
  std::string md = to_markdown(doc);
  EXPECT_THAT(md, HasSubstr("| 1 | Title of a.epub | Ann Author | en | 100 | 130 | 140 | ok |"));
  EXPECT_THAT(md, HasSubstr("Pipes \\| in \\| title"));
  EXPECT_THAT(md, HasSubstr("| o200k_base | 190 | 1.267 |"));
  EXPECT_THAT(md, HasSubstr("`EPUB_DRM`"));
}

TEST(ErrorsLog, OneLinePerProblemBook) {
  std::string log = to_errors_log(sample());
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 2);
  EXPECT_THAT(log, HasSubstr("ERROR EPUB_NOT_ZIP /lib/bad.epub: something about bad.epub second line"));
  EXPECT_THAT(log, HasSubstr("SKIPPED EPUB_DRM /lib/drm.epub"));
}

TEST(Write, ProducesAllFourFilesAndNoTemporaries) {
  auto dir = std::filesystem::temp_directory_path() / ("epubtok-results-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(write_results(sample(), dir).is_ok());
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"errors.log", "results.csv", "results.json", "results.md"}));
  std::ifstream in(dir / "results.json");
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_TRUE(parse_results(ss.str()));
  std::filesystem::remove_all(dir);
}

TEST(Write, ReportsAnUnwritableDirectory) {
  Status s = write_results(sample(), "/proc/definitely/not/writable");
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
  EXPECT_THAT(s.message(), HasSubstr("/proc/definitely/not/writable"));
}

}  // namespace
}  // namespace epubtok::results
