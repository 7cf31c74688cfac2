// tokenizer.json pre-tokenizers: ByteLevel, Split, Metaspace, Whitespace,
// WhitespaceSplit, BertPreTokenizer, Punctuation, Digits, UnicodeScripts,
// CharDelimiterSplit and Sequence.
#pragma once

#include <boost/json.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace epubtok::tokenizers::hf {

class Matcher;

// One pre-token. `at_start` is true only for the piece that begins at
// offset 0 of the original input (Metaspace's prepend_scheme "first").
struct Piece {
  std::string text;
  bool at_start = false;
};

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;

  // True when this pre-tokenizer only cuts its input into substrings (no
  // text is added or changed), so split_views() may be used. Fixed at load.
  virtual bool views_only() const = 0;

  // Appends the non-empty pieces of `s` as views into `s`. Only valid when
  // views_only(). Thread-safe.
  virtual void split_views(std::string_view s, std::vector<std::string_view>& out) const;

  // Replaces `pieces` by their pre-tokenization (empty pieces are dropped).
  // Thread-safe.
  virtual void pre_tokenize(std::vector<Piece>& pieces) const;

  // When the whole pre-tokenization is "the matches of one regex, plus the
  // gaps between them, in order" (Split Isolated without invert, possibly
  // followed by stages that pass pieces through unchanged), that regex; else
  // null. Lets the tokenizer stream pieces straight from a scanner.
  virtual const class Matcher* isolating_matcher() const { return nullptr; }
  // When the whole pre-tokenization is a chain of such splits, each cutting
  // the pieces of the one before (DeepSeek V3's Sequence of three Isolated
  // Splits), appends their matchers in order and returns true; else returns
  // false (`out` may then hold a partial chain). Lets the tokenizer stream
  // pieces through the chain without building piece vectors.
  virtual bool isolating_chain(std::vector<const class Matcher*>& out) const {
    const Matcher* m = isolating_matcher();
    if (!m) return false;
    out.push_back(m);
    return true;
  }
  // True when this stage passes every piece through unchanged.
  virtual bool is_identity() const { return false; }
  // True only when every non-empty text without the byte `c` comes out as
  // one piece, itself (Gemma 3's Split on " " after its normalizer has
  // replaced every " "). False when unknown (the default).
  virtual bool keeps_whole_without(char c) const { return false; }
};

struct PreTokenizerOptions {
  // When true, ByteLevel stages that end the pipeline leave bytes as they
  // are instead of mapping them to the GPT-2 alphabet: the BPE model has
  // then been re-keyed to raw bytes (a speed-up; see bpe.h). Default false.
  bool raw_byte_level = false;
  // Use hand-written scanners for known Split regexes. Default true.
  bool use_scanners = true;
};

// Builds the pre-tokenizer described by `v` at JSON path `path`; nullptr for
// null. Throws LoadError (TOKENIZER_UNSUPPORTED / TOKENIZER_JSON_INVALID).
std::unique_ptr<PreTokenizer> make_pre_tokenizer(const boost::json::value& v, const std::string& path,
                                                 const PreTokenizerOptions& options);

// True when the last stage of `v` is a ByteLevel pre-tokenizer (then the
// model sees only byte-level-alphabet text).
bool ends_with_byte_level(const boost::json::value& v);

// The GPT-2 byte → code point mapping ByteLevel applies.
char32_t byte_level_char(unsigned char b);

}  // namespace epubtok::tokenizers::hf
