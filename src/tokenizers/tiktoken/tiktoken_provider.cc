#include "tokenizers/tiktoken/tiktoken_provider.h"

#include <algorithm>
#include <cctype>

#include "core/data_dir.h"
#include "tokenizers/tiktoken/tiktoken_encoding.h"

namespace epubtok::tokenizers::tiktoken {
namespace {

struct Builtin {
  const char* id;
  const char* name;
  const char* family;
  std::vector<std::string> aliases;
  uint64_t vocab_size;    // ranks + special tokens
  size_t expected_ranks;  // rank entries in the vocab file
  bool claude;
};

// Aliases follow tiktoken's model → encoding table (model_to_encoding.json
// in npm tiktoken@1.0.22). gpt-oss is not aliased: it uses o200k_harmony,
// which adds special tokens to o200k_base.
const std::vector<Builtin>& builtins() {
  static const std::vector<Builtin> kBuiltins = {
      {"o200k_base",
       "OpenAI o200k_base",
       "openai",
       {"gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-4.5", "gpt-5", "gpt-5-mini",
        "gpt-5-nano", "o1", "o1-mini", "o3", "o3-mini", "o4-mini", "chatgpt-4o-latest"},
       200019,
       199998,
       false},
      {"cl100k_base",
       "OpenAI cl100k_base",
       "openai",
       {"gpt-4", "gpt-4-turbo", "gpt-3.5-turbo", "gpt-3.5", "gpt-35-turbo", "text-embedding-3-small",
        "text-embedding-3-large", "text-embedding-ada-002"},
       100277,
       100256,
       false},
      {"p50k_base",
       "OpenAI p50k_base",
       "openai",
       {"text-davinci-003", "text-davinci-002", "code-davinci-002", "code-davinci-001", "code-cushman-002",
        "code-cushman-001", "davinci-codex", "cushman-codex"},
       50281,
       50280,
       false},
      {"r50k_base",
       "OpenAI r50k_base",
       "openai",
       {"gpt2", "gpt-2", "gpt-3", "davinci", "curie", "babbage", "ada", "text-davinci-001", "text-curie-001",
        "text-babbage-001", "text-ada-001"},
       50257,
       50256,
       false},
      {"claude", "Anthropic Claude (legacy)", "anthropic", {"claude-2", "claude-instant"}, 65000, 64995, true},
  };
  return kBuiltins;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::filesystem::path vocab_file(const std::filesystem::path& data_dir, const Builtin& b) {
  return data_dir / "vocab" / (std::string(b.id) + ".json");
}

TokenizerInfo info_of(const Builtin& b) {
  TokenizerInfo info;
  info.id = b.id;
  info.name = b.name;
  info.family = b.family;
  info.aliases = b.aliases;
  info.type = "BPE";
  info.vocab_size = b.vocab_size;
  if (b.claude) {
    info.source = "npm @anthropic-ai/tokenizer@0.0.4 (claude.json)";
    info.exactness = Exactness::kApproximate;
    info.exactness_reason =
        "Anthropic's legacy (Claude 2) tokenizer; Claude 3 and later tokenize differently and have no public "
        "tokenizer, so for them this is a rough guide (exact counts: claude-api:MODEL)";
    info.note = "legacy Claude tokenizer; Claude 3 and later use an unpublished tokenizer, counts are an approximation";
  } else {
    info.source = std::string("npm tiktoken@1.0.22 (encoders/") + b.id + ".json)";
    info.exactness = Exactness::kExact;
    info.exactness_reason = "OpenAI's published encoding, counted exactly as tiktoken's encode_ordinary counts it";
  }
  return info;
}

class TiktokenProvider final : public TokenizerProvider {
 public:
  std::optional<std::string> resolve(std::string_view name) const override {
    const std::string key = lower(name);
    for (const Builtin& b : builtins()) {
      if (key == b.id) return std::string(b.id);
      for (const std::string& alias : b.aliases) {
        if (key == alias) return std::string(b.id);
      }
    }
    return std::nullopt;
  }

  Result<std::shared_ptr<const Tokenizer>> load(const std::string& id) const override {
    for (const Builtin& b : builtins()) {
      if (id != b.id) continue;
      EncodingOptions options;
      options.nfkc = b.claude;
      options.allow_special = b.claude;
      options.expected_ranks = b.expected_ranks;
      auto enc = TiktokenEncoding::load_file(vocab_file(data_dir(), b), info_of(b), options);
      if (!enc) return enc.status();
      return std::shared_ptr<const Tokenizer>(*enc);
    }
    return Status(ErrorCode::kUnknownTokenizer, "tiktoken provider has no tokenizer '" + id + "'");
  }

  std::vector<TokenizerInfo> list() const override {
    std::vector<TokenizerInfo> all;
    for (const Builtin& b : builtins()) all.push_back(info_of(b));
    return all;
  }
};

}  // namespace

std::unique_ptr<TokenizerProvider> make_tiktoken_provider() { return std::make_unique<TiktokenProvider>(); }

std::vector<std::filesystem::path> builtin_vocab_files(const std::filesystem::path& data_dir) {
  std::vector<std::filesystem::path> files;
  for (const Builtin& b : builtins()) files.push_back(vocab_file(data_dir, b));
  return files;
}

}  // namespace epubtok::tokenizers::tiktoken
