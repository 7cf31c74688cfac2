// WordPiece (BERT) and WordLevel models: greedy longest-match-first over a
// vocabulary, and whole-word lookup.
#include <unordered_map>

#include "tokenizers/hf/json_util.h"
#include "tokenizers/hf/model.h"
#include "tokenizers/hf/unicode.h"

namespace epubtok::tokenizers::hf {
namespace json = boost::json;
namespace {

std::unordered_map<std::string, uint32_t> load_vocab_object(const json::object& o, const std::string& path) {
  const json::value* vocab = o.if_contains("vocab");
  if (!vocab) fail_at(path, "missing \"vocab\"");
  const json::object& vo = need_object(*vocab, path + ".vocab");
  std::unordered_map<std::string, uint32_t> out;
  out.reserve(vo.size());
  for (const auto& kv : vo) {
    const json::value& v = kv.value();
    if (!v.is_int64() && !v.is_uint64())
      fail_at(path + ".vocab[\"" + std::string(kv.key()) + "\"]", "id must be an integer");
    int64_t id = v.is_int64() ? v.get_int64() : int64_t(v.get_uint64());
    if (id < 0 || id > int64_t(UINT32_MAX))
      fail_at(path + ".vocab[\"" + std::string(kv.key()) + "\"]", "id out of range");
    out[std::string(kv.key())] = uint32_t(id);
  }
  return out;
}

class WordPieceModel final : public Model {
 public:
  WordPieceModel(const json::object& o, const std::string& path)
      : vocab_(load_vocab_object(o, path)),
        unk_(get_string(o, "unk_token", path, "[UNK]")),
        prefix_(get_string(o, "continuing_subword_prefix", path, "##")),
        max_chars_(get_int(o, "max_input_chars_per_word", path, 100)) {}

  bool tokenize(std::string_view word, std::vector<uint32_t>& out) const override {
    size_t chars = 0;
    for (size_t i = 0; i < word.size(); i += utf8_len(static_cast<unsigned char>(word[i]))) ++chars;
    auto unk = [&]() {
      auto it = vocab_.find(unk_);
      if (it == vocab_.end()) return false;
      out.push_back(it->second);
      return true;
    };
    if (int64_t(chars) > max_chars_) return unk();
    size_t mark = out.size();
    size_t start = 0;
    std::string sub;
    while (start < word.size()) {
      size_t end = word.size();
      bool found = false;
      while (start < end) {
        sub.clear();
        if (start > 0) sub += prefix_;
        sub.append(word.substr(start, end - start));
        auto it = vocab_.find(sub);
        if (it != vocab_.end()) {
          out.push_back(it->second);
          found = true;
          break;
        }
        // Drop the last character.
        size_t k = end - 1;
        while (k > start && (static_cast<unsigned char>(word[k]) & 0xC0) == 0x80) --k;
        end = k;
      }
      if (!found) {
        out.resize(mark);
        return unk();
      }
      start = end;
    }
    return true;
  }

  std::optional<uint32_t> token_to_id(std::string_view token) const override {
    auto it = vocab_.find(std::string(token));
    if (it == vocab_.end()) return std::nullopt;
    return it->second;
  }
  uint64_t vocab_size() const override { return vocab_.size(); }
  const char* type() const override { return "WordPiece"; }

 private:
  std::unordered_map<std::string, uint32_t> vocab_;
  std::string unk_;
  std::string prefix_;
  int64_t max_chars_;
};

class WordLevelModel final : public Model {
 public:
  WordLevelModel(const json::object& o, const std::string& path)
      : vocab_(load_vocab_object(o, path)), unk_(get_string(o, "unk_token", path, "<unk>")) {}

  bool tokenize(std::string_view word, std::vector<uint32_t>& out) const override {
    auto it = vocab_.find(std::string(word));
    if (it == vocab_.end()) it = vocab_.find(unk_);
    if (it == vocab_.end()) return false;
    out.push_back(it->second);
    return true;
  }
  std::optional<uint32_t> token_to_id(std::string_view token) const override {
    auto it = vocab_.find(std::string(token));
    if (it == vocab_.end()) return std::nullopt;
    return it->second;
  }
  uint64_t vocab_size() const override { return vocab_.size(); }
  const char* type() const override { return "WordLevel"; }

 private:
  std::unordered_map<std::string, uint32_t> vocab_;
  std::string unk_;
};

}  // namespace

std::unique_ptr<Model> make_wordpiece(const json::object& o, const std::string& path) {
  return std::make_unique<WordPieceModel>(o, path);
}

std::unique_ptr<Model> make_wordlevel(const json::object& o, const std::string& path) {
  return std::make_unique<WordLevelModel>(o, path);
}

}  // namespace epubtok::tokenizers::hf
