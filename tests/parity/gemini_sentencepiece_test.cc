// `gemini` against SentencePiece's BPE algorithm, the algorithm of Google's
// LocalTokenizer (google-genai SDKs) for Gemini 2.0 / 2.5 / 3.0 text.
//
// The SDKs load Gemma 3's SentencePiece model and encode each text with it:
// ASCII spaces become U+2581, user-defined pieces are matched first, then
// adjacent symbols are merged, always the pair whose merged piece has the
// best score (the leftmost among equals), and a symbol left outside the
// vocabulary becomes one <0xXX> piece per UTF-8 byte. The model's normal
// pieces are stored in descending score order, so a piece's score is the
// negative of its id; its pieces and ids are those of the tokenizer.json the
// `gemma-3` preset loads (the model file itself is not available offline, see
// docs/tokenizers.md). This test implements that algorithm from scratch, in
// the plain quadratic way, and requires our engine — which runs the
// tokenizer.json's merge list, a different formulation — to give the same
// count on every case. It checks the claim behind gemini's
// `exact-local-tokenizer` label: that the two formulations agree.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "support/prose.h"
#include "support/random_unicode.h"
#include "support/tricky_strings.h"
#include "tokenizers/registry.h"

namespace epubtok::tokenizers {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

fs::path data_dir() {
  if (const char* d = std::getenv("EPUBTOK_DATA_DIR")) return d;
  const char* s = std::getenv("EPUBTOK_SOURCE_DIR");
  return fs::path(s ? s : EPUBTOK_SOURCE_DIR_FALLBACK) / "data";
}

// SentencePiece BPE encoding (count only), written from the description
// above; nothing is shared with src/tokenizers/hf.
class SentencePieceBpe {
 public:
  explicit SentencePieceBpe(const json::value& tokenizer) {
    // Control symbols (<bos>, <eos>, <pad>, <unk>, <mask>) never match text
    // in SentencePiece and are no merge targets either; every other added
    // token is a user-defined piece.
    auto control = [](std::string_view piece) {
      return piece == "<bos>" || piece == "<eos>" || piece == "<pad>" || piece == "<unk>" || piece == "<mask>";
    };
    for (const auto& [piece, id] : tokenizer.at("model").at("vocab").as_object()) {
      if (!control(piece)) ids_.emplace(std::string(piece), id.to_number<int64_t>());
    }
    for (const json::value& t : tokenizer.at("added_tokens").as_array()) {
      std::string content(t.at("content").as_string());
      if (control(content)) continue;
      user_defined_.insert(content);
      max_user_defined_ = std::max(max_user_defined_, content.size());
    }
  }

  size_t count(std::string_view text) const {
    std::string normalized;
    for (char c : text) {
      if (c == ' ') {
        normalized += "\xE2\x96\x81";
      } else {
        normalized += c;
      }
    }
    struct Symbol {
      std::string text;
      bool frozen;  // a user-defined piece: never merged
    };
    std::vector<Symbol> symbols;
    for (size_t i = 0; i < normalized.size();) {
      size_t match = 0;
      for (size_t len = std::min(max_user_defined_, normalized.size() - i); len > 0; --len) {
        if (user_defined_.count(normalized.substr(i, len))) {
          match = len;
          break;
        }
      }
      if (match) {
        symbols.push_back({normalized.substr(i, match), true});
        i += match;
        continue;
      }
      size_t len = 1;
      auto lead = static_cast<unsigned char>(normalized[i]);
      if (lead >= 0xF0)
        len = 4;
      else if (lead >= 0xE0)
        len = 3;
      else if (lead >= 0xC0)
        len = 2;
      len = std::min(len, normalized.size() - i);
      symbols.push_back({normalized.substr(i, len), false});
      i += len;
    }
    for (;;) {
      int64_t best_id = std::numeric_limits<int64_t>::max();
      size_t best = symbols.size();
      for (size_t i = 0; i + 1 < symbols.size(); ++i) {
        if (symbols[i].frozen || symbols[i + 1].frozen) continue;
        auto it = ids_.find(symbols[i].text + symbols[i + 1].text);
        if (it != ids_.end() && it->second < best_id) {  // best score = lowest id; leftmost wins ties
          best_id = it->second;
          best = i;
        }
      }
      if (best == symbols.size()) break;
      symbols[best].text += symbols[best + 1].text;
      symbols.erase(symbols.begin() + long(best) + 1);
    }
    size_t n = 0;
    for (const Symbol& s : symbols) n += (s.frozen || ids_.count(s.text)) ? 1 : s.text.size();  // byte fallback
    return n;
  }

 private:
  std::unordered_map<std::string, int64_t> ids_;
  std::unordered_set<std::string> user_defined_;
  size_t max_user_defined_ = 0;
};

TEST(GeminiSentencePiece, CountsAsSentencePieceBpeOverGemma3sPieces) {
  fs::path file = data_dir() / "hf" / "gemma-3" / "tokenizer.json";
  std::ifstream in(file, std::ios::binary);
  ASSERT_TRUE(in) << file << " is missing: run make vocab";
  std::stringstream bytes;
  bytes << in.rdbuf();
  SentencePieceBpe reference(json::parse(bytes.str()));
  Result<std::shared_ptr<const Tokenizer>> gemini = Registry::global().get("gemini-2.5");
  ASSERT_TRUE(gemini) << gemini.status().to_string();
  ASSERT_EQ((*gemini)->info().exactness, Exactness::kExactLocalTokenizer);

  std::vector<std::string> cases;
  for (const std::string& lang : test_support::prose_languages()) {
    for (uint64_t seed = 0; seed < 3; ++seed) cases.push_back(test_support::generate_prose(lang, 70 + seed, 60));
  }
  for (const std::string& s : test_support::tricky_strings()) {
    if (s.size() <= 2000) cases.push_back(s);
  }
  for (uint64_t seed = 0; seed < 60; ++seed) {
    cases.push_back(
        test_support::random_unicode(seed, 1 + seed % 40, test_support::RandomUnicodeMode::kMixedScriptWords));
    cases.push_back(test_support::random_unicode(seed, 1 + seed % 40, test_support::RandomUnicodeMode::kAnyScalar));
  }
  cases.emplace_back("Hello, world!  Two spaces,\ttab, new\nline and\n\nparagraph.");
  // Control tokens are plain text to SentencePiece; user-defined ones match.
  for (const char* s : {"<bos>", "a<eos>b", " <pad> ", "<unk><mask>", "<start_of_turn>user\nhi<end_of_turn>"}) {
    cases.emplace_back(s);
  }
  size_t tokens = 0;
  for (const std::string& text : cases) {
    size_t expected = reference.count(text);
    EXPECT_EQ((*gemini)->count(text), expected) << "text: " << text;
    tokens += expected;
  }
  EXPECT_GT(tokens, 10'000u);  // the cases are not trivial
}

}  // namespace
}  // namespace epubtok::tokenizers
