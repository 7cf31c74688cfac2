// Token-id parity of the tiktoken-format tokenizers with the pinned npm
// references (tiktoken@1.0.22 for the OpenAI encodings,
// @anthropic-ai/tokenizer@0.0.4 for claude), run by Node through
// tiktoken_reference.mjs.
//
// Each tokenizer is checked on: book-length generated prose in all 16
// generator languages, shorter prose samples, every tricky string, 2,400
// random Unicode strings (three modes), special-token look-alikes, and long
// pathological runs. Ids are compared, not only counts; count() must equal
// the number of ids too. A mismatch prints the case, the first differing
// position and the ids and token bytes around it.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/prose.h"
#include "support/random_unicode.h"
#include "support/tricky_strings.h"
#include "tokenizers/registry.h"
#include "tokenizers/tiktoken/tiktoken_encoding.h"

namespace epubtok::tokenizers {
namespace {

namespace fs = std::filesystem;
using test_support::RandomUnicodeMode;

struct Case {
  std::string label;
  std::string text;
};

std::vector<Case> build_cases(const std::string& tokenizer) {
  std::vector<Case> cases;
  const uint64_t salt = std::hash<std::string>{}(tokenizer)&0xFFFF;
  for (const std::string& lang : test_support::prose_languages()) {
    cases.push_back({"book/" + lang, test_support::generate_book(1000 + salt, size_t{48} * 1024, lang)});
    for (int i = 0; i < 3; ++i) {
      cases.push_back(
          {"prose/" + lang + "/" + std::to_string(i), test_support::generate_prose(lang, 77 + i + salt, 150)});
    }
  }
  // Novel-like English with a real book's vocabulary size and typography
  // (curly quotes and apostrophes, em-dashes, numbers): the text the
  // count path's fast paths and caches are tuned for.
  cases.push_back({"novel/en", test_support::generate_novel(500 + salt, size_t{256} * 1024)});
  const auto& tricky = test_support::tricky_strings();
  for (size_t i = 0; i < tricky.size(); ++i) cases.push_back({"tricky/" + std::to_string(i), tricky[i]});
  const RandomUnicodeMode modes[] = {RandomUnicodeMode::kAnyScalar, RandomUnicodeMode::kMixedScriptWords,
                                     RandomUnicodeMode::kAscii};
  for (int m = 0; m < 3; ++m) {
    for (uint64_t seed = 0; seed < 800; ++seed) {
      const size_t n = 1 + (seed * 7919) % 120;
      cases.push_back({"random/" + std::to_string(m) + "/" + std::to_string(seed),
                       test_support::random_unicode(seed * 3 + m + (salt << 20), n, modes[m])});
    }
  }
  for (const char* s : {"<|endoftext|>", "a<|endoftext|>b", "<|fim_prefix|>x<|fim_suffix|>y<|fim_middle|>",
                        "<|endofprompt|>", "<EOT>", "x<EOT>y", "<META>hi<META_END>", "<META_START><SOS>", "<EOT",
                        "<<EOT>>", " <EOT> ", "<|endoftext|><|endoftext|>", "[CLS] <s> </s> <pad>"}) {
    cases.push_back({"special-lookalike", s});
  }
  // Long pathological runs (kept to sizes the reference finishes quickly).
  cases.push_back({"long/letters", std::string(20000, 'x')});
  cases.push_back({"long/letters-mixed", [] {
                     std::string s;
                     for (int i = 0; i < 4000; ++i) s += "abQz"[i % 4];
                     return s;
                   }()});
  cases.push_back({"long/digits", [] {
                     std::string s;
                     for (int i = 0; i < 20000; ++i) s += static_cast<char>('0' + (i * 7) % 10);
                     return s;
                   }()});
  cases.push_back({"long/cjk", [] {
                     std::string s;
                     for (int i = 0; i < 5000; ++i) test_support::append_utf8(s, 0x4E00 + (i * 37) % 5000);
                     return s;
                   }()});
  cases.push_back({"long/spaces", std::string(5000, ' ') + "x" + std::string(3000, '\n') + std::string(100, '\t')});
  cases.push_back({"long/punct", std::string(8000, '!') + std::string(4000, '-')});
  return cases;
}

std::string escape_for_humans(std::string_view s, size_t max = 200) {
  std::string out;
  for (unsigned char c : s.substr(0, max)) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else if (c < 0x20)
      out += "\\x" + std::string(1, "0123456789abcdef"[c >> 4]) + "0123456789abcdef"[c & 15];
    else
      out += static_cast<char>(c);
  }
  if (s.size() > max) out += "…";
  return out;
}

std::string describe_ids(const tiktoken::TiktokenEncoding& enc, const std::vector<uint32_t>& ids, size_t from,
                         size_t to) {
  std::string out;
  for (size_t i = from; i < to && i < ids.size(); ++i) {
    out += std::to_string(ids[i]) + "'" + escape_for_humans(enc.token_bytes(ids[i]), 40) + "' ";
  }
  return out;
}

class ParityTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ParityTest, TokenIdsEqualReference) {
  const std::string tokenizer = GetParam();
  // ctest sets EPUBTOK_SOURCE_DIR; the compiled-in source tree is the
  // fallback (gtest_discover_tests can drop all but the first variable of a
  // multi-variable ENVIRONMENT property).
  const char* source_dir = std::getenv("EPUBTOK_SOURCE_DIR");
#ifdef EPUBTOK_SOURCE_DIR_FALLBACK
  if (source_dir == nullptr || *source_dir == '\0') source_dir = EPUBTOK_SOURCE_DIR_FALLBACK;
#endif
  ASSERT_NE(source_dir, nullptr) << "EPUBTOK_SOURCE_DIR is not set (run through ctest)";
  const fs::path parity_dir = fs::path(source_dir) / "tests" / "parity";
  ASSERT_TRUE(fs::exists(parity_dir / "node_modules" / "tiktoken") &&
              fs::exists(parity_dir / "node_modules" / "@anthropic-ai" / "tokenizer"))
      << "the npm reference packages are not installed in " << parity_dir
      << "/node_modules; run scripts/setup-test-deps";

  auto loaded = Registry::global().get(tokenizer);
  ASSERT_TRUE(loaded) << loaded.status().to_string();
  const auto* enc = dynamic_cast<const tiktoken::TiktokenEncoding*>(loaded->get());
  ASSERT_NE(enc, nullptr);

  const std::vector<Case> cases = build_cases(tokenizer);
  const fs::path dir = fs::temp_directory_path() / ("epubtok-parity-" + tokenizer + "-" +
                                                    std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                                    "-" + std::to_string(reinterpret_cast<uintptr_t>(&cases)));
  fs::create_directories(dir);
  const fs::path in_path = dir / "cases.jsonl";
  const fs::path out_path = dir / "ids.jsonl";
  {
    std::ofstream in(in_path, std::ios::binary);
    for (const Case& c : cases) {
      boost::json::object o;
      o["tokenizer"] = tokenizer;
      o["text"] = c.text;
      in << boost::json::serialize(o) << "\n";
    }
  }
  const std::string command = "node \"" + (parity_dir / "tiktoken_reference.mjs").string() + "\" \"" +
                              in_path.string() + "\" \"" + out_path.string() + "\"";
  ASSERT_EQ(std::system(command.c_str()), 0) << "reference run failed: " << command;

  std::ifstream out(out_path, std::ios::binary);
  std::string line;
  size_t index = 0;
  size_t mismatches = 0;
  uint64_t bytes = 0;
  while (std::getline(out, line)) {
    ASSERT_LT(index, cases.size()) << "reference wrote more lines than cases";
    const Case& c = cases[index++];
    bytes += c.text.size();
    std::vector<uint32_t> expected;
    const boost::json::value parsed = boost::json::parse(line);
    for (const auto& v : parsed.as_array()) expected.push_back(static_cast<uint32_t>(v.as_int64()));
    const std::vector<uint32_t> actual = enc->encode(c.text);
    const uint64_t counted = enc->count(c.text);
    if (actual == expected && counted == expected.size()) continue;
    if (++mismatches > 5) continue;
    size_t at = 0;
    while (at < actual.size() && at < expected.size() && actual[at] == expected[at]) ++at;
    const size_t from = at >= 3 ? at - 3 : 0;
    ADD_FAILURE() << tokenizer << " case " << c.label << " (" << c.text.size() << " bytes): \""
                  << escape_for_humans(c.text) << "\"\n  count " << counted << ", encode " << actual.size()
                  << " ids, reference " << expected.size() << " ids; first difference at id #" << at
                  << "\n  ours:      " << describe_ids(*enc, actual, from, at + 4)
                  << "\n  reference: " << describe_ids(*enc, expected, from, at + 4);
  }
  EXPECT_EQ(index, cases.size()) << "reference wrote fewer lines than cases";
  EXPECT_EQ(mismatches, 0u) << mismatches << " of " << cases.size() << " cases differ";
  std::cout << "[parity] " << tokenizer << ": " << cases.size() << " cases, " << bytes << " bytes, " << mismatches
            << " mismatches\n";
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Tiktoken, ParityTest,
                         ::testing::Values("cl100k_base", "o200k_base", "p50k_base", "r50k_base", "claude"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace epubtok::tokenizers
