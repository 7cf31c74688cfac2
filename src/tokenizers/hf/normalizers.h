// tokenizer.json normalizers: NFC/NFD/NFKC/NFKD, Lowercase, Strip,
// StripAccents, Replace, Prepend, Precompiled, BertNormalizer, Sequence.
//
// Normalizers rewrite a whole string; epubtok never needs offsets, so no
// alignment is tracked. All are immutable after construction.
#pragma once

#include <boost/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace epubtok::tokenizers::hf {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  // Rewrites `s` (valid UTF-8) in place. Sets *head_dropped (when not null)
  // if the first character of `s` was deleted, so that what is left no longer
  // starts at original offset 0 (Metaspace's prepend_scheme "first" asks);
  // never clears it. Thread-safe.
  virtual void normalize(std::string& s, bool* head_dropped = nullptr) const = 0;
  // True only when normalize() would leave `s` (valid UTF-8) exactly as it
  // is; false when it might change it, or when telling would cost about as
  // much as normalizing (the default). Lets callers skip copying `s` into a
  // string to normalize it. Thread-safe.
  virtual bool is_unchanged(std::string_view s) const { return false; }
  // True only when, for every text `a` ending with code point `last` and
  // every text `b` starting with ' ' or '\n', normalize(a + b) ==
  // normalize(a) + normalize(b) and normalize(a) still ends with `last`
  // (HfTokenizer::is_clean_split relies on it). False when unknown (the
  // default). Thread-safe.
  virtual bool keeps_cut_before_space(char32_t last) const { return false; }

  // A normalizer that maps every non-empty text s to `prefix` followed by s
  // with each byte `from` replaced by `to`, and the empty text to itself
  // (SentencePiece's Replace " " → "▁", with or without a Prepend "▁").
  // `to` is empty when no byte is replaced (a Prepend alone). Neither `to`
  // nor `prefix` holds the byte `from`, so the map is the identity on its
  // own results.
  struct ByteReplace {
    std::string prefix;
    char from = 0;
    std::string to;
  };
  // This normalizer as a ByteReplace, when it is one (a Prepend, a Replace
  // of one ASCII byte by a non-empty string, or a Sequence of those with at
  // most one Replace); nullopt otherwise (the default). Lets the tokenizer
  // normalize only the pieces its cache misses. Thread-safe.
  virtual std::optional<ByteReplace> as_byte_replace() const { return std::nullopt; }
};

// Builds the normalizer described by `v` (the object at JSON path `path`).
// Throws LoadError: TOKENIZER_UNSUPPORTED for an unknown "type",
// TOKENIZER_JSON_INVALID for a malformed field. Returns nullptr for null.
std::unique_ptr<Normalizer> make_normalizer(const boost::json::value& v, const std::string& path);

}  // namespace epubtok::tokenizers::hf
