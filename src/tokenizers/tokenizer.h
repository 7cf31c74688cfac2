// The Tokenizer interface every engine implements (tiktoken-style BPE,
// Claude, Hugging Face tokenizer.json), and the facts the CLI, server and UI
// show about each one.
//
// Tokenizers are immutable after loading and safe to share across threads:
// every const member function may be called concurrently. Per-thread scratch
// space (piece caches) lives in thread-local storage inside the engines.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace epubtok::tokenizers {

struct TokenizerInfo {
  std::string id;                    // canonical id: "cl100k_base", "claude", "llama-3", "hf:org/name"
  std::string name;                  // display name, e.g. "OpenAI cl100k_base"
  std::string family;                // "openai", "anthropic", "meta", "qwen", "google", …
  std::vector<std::string> aliases;  // other names accepted for this id, e.g. "gpt-4"
  std::string type;                  // model type: "BPE", "WordPiece", "Unigram", "WordLevel"
  uint64_t vocab_size = 0;           // including special tokens
  std::string source;                // where the vocabulary came from (package@version, file path)
  bool approximate = false;          // counts are not exact for the models named
  std::string note;                  // why approximate, or other caveats; may be empty
};

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  virtual const TokenizerInfo& info() const = 0;

  // Number of tokens of `text` (UTF-8; invalid bytes are handled as the
  // reference implementation handles them). Excludes special tokens a
  // post-processor would add (BOS, CLS/SEP); see special_overhead().
  // Thread-safe. Runs in time roughly linear in text.size().
  virtual uint64_t count(std::string_view text) const = 0;

  // The token ids of `text`; encode(text).size() == count(text). Thread-safe.
  virtual std::vector<uint32_t> encode(std::string_view text) const = 0;

  // Tokens a post-processor adds around one sequence (e.g. 1 for Llama's
  // BOS, 2 for BERT's [CLS] … [SEP]); 0 when there is none. Added to counts
  // only when the user asks for --with-special.
  virtual uint64_t special_overhead() const { return 0; }

  // True when `pos` (0 < pos < text.size()) is a clean split of `text`:
  // count(text) == count(text[0, pos)) + count(text[pos, end)), and encode()
  // concatenates the same way, whatever text lies beyond a few bytes either
  // side of `pos`. Lets a caller count each chapter once and then repair only
  // the chapter joins to get the whole book's count (count/joined_count.h).
  // The default knows no clean splits, which is always correct.
  virtual bool is_clean_split(std::string_view text, size_t pos) const {
    (void)text;
    (void)pos;
    return false;
  }
};

}  // namespace epubtok::tokenizers
