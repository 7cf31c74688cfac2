// The Tokenizer interface every engine implements (tiktoken-style BPE,
// Claude, Hugging Face tokenizer.json), and the facts the CLI, server and UI
// show about each one.
//
// Tokenizers are immutable after loading and safe to share across threads:
// every const member function may be called concurrently. Per-thread scratch
// space (piece caches) lives in thread-local storage inside the engines.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace epubtok::tokenizers {

// What a tokenizer's numbers are, for the people who read them. Every
// tokenizer declares one (TokenizerInfo::exactness) with a one-line reason;
// callers never guess it from the id.
enum class Exactness {
  kExact,                // the model's own tokenizer, offline, equal to its reference implementation
  kExactLocalTokenizer,  // equal to the vendor's own local tokenizer, which the vendor documents as its count
  kApi,                  // the vendor's own count, obtained from its API (text leaves this machine)
  kApproximate,          // a stand-in: the model's real tokenizer is not available
};
// "exact" | "exact-local-tokenizer" | "api" | "approximate".
std::string_view to_string(Exactness exactness);
std::optional<Exactness> parse_exactness(std::string_view name);

struct TokenizerInfo {
  std::string id;                    // canonical id: "cl100k_base", "claude", "llama-3", "hf:org/name"
  std::string name;                  // display name, e.g. "OpenAI cl100k_base"
  std::string family;                // "openai", "anthropic", "meta", "qwen", "google", …
  std::vector<std::string> aliases;  // other names accepted for this id, e.g. "gpt-4"
  std::string type;                  // model type: "BPE", "WordPiece", "Unigram", "WordLevel"
  uint64_t vocab_size = 0;           // including special tokens
  std::string source;                // where the vocabulary came from (package@version, file path)
  Exactness exactness = Exactness::kExact;
  std::string exactness_reason;  // one line: why the numbers have that exactness
  std::string note;              // other caveats; may be empty
  bool remote = false;           // counting sends the text to a third party (the `api` tokenizers)

  bool approximate() const { return exactness == Exactness::kApproximate; }
};

// One count from the fallible path (Tokenizer::count_each).
struct TextCount {
  uint64_t tokens = 0;
  // The text was too long to count in one piece and is the sum of the counts
  // of its parts (cut at paragraph boundaries), so it may differ from the
  // count of the whole by a few tokens.
  bool approximate = false;
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

  // ---- Counting that can fail: tokenizers behind a network API ----------
  //
  // count() above cannot fail and sees any text whole. A tokenizer that
  // counts through a remote API (anthropic/api_tokenizer.h) can do neither:
  // a request can be refused, rate-limited, time out or be cancelled, and a
  // whole book may exceed the request size. The count pipeline therefore
  // calls count_each() for every tokenizer, and combines chapter counts into
  // the book's count as book_count_is_chapter_sum() says. Local engines keep
  // the defaults, for which both are exactly count() and count_joined().

  // True when a book's count is defined as the sum of its chapters' counts,
  // each chapter counted on its own; false (the default) when it is the
  // count of the whole joined text, derived by count/joined_count.h.
  virtual bool book_count_is_chapter_sum() const { return false; }

  // Counts each of `texts`: one result per text, in order. Failures are per
  // text (API_ERROR, API_RATE_LIMITED, CANCELLED once *cancel becomes true);
  // an implementation may run several texts concurrently. The default is
  // count() of each, which never fails and is never approximate. Thread-safe.
  virtual std::vector<Result<TextCount>> count_each(std::span<const std::string_view> texts,
                                                    const std::atomic<bool>* cancel = nullptr) const {
    (void)cancel;
    std::vector<Result<TextCount>> counts;
    counts.reserve(texts.size());
    for (std::string_view text : texts) counts.emplace_back(TextCount{count(text), false});
    return counts;
  }

  // False when encode() cannot list token ids (an API that returns only
  // counts); encode() then returns nothing.
  virtual bool can_encode() const { return true; }
};

}  // namespace epubtok::tokenizers
