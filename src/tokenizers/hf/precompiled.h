// SentencePiece's "precompiled charsmap" normalizer (T5, XLM-R, ALBERT …):
// a darts-clone double-array trie mapping byte strings to replacement
// strings, applied the way the reference applies it (per grapheme cluster
// shorter than 6 bytes, else per character; the shortest matching rule wins).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace epubtok::tokenizers::hf {

class PrecompiledCharsMap {
 public:
  // Parses the base64 blob of a Precompiled normalizer. Throws LoadError
  // (TOKENIZER_JSON_INVALID naming `path`) when it is malformed.
  static PrecompiledCharsMap from_base64(std::string_view b64, const std::string& path);
  // Same, from the raw blob.
  static PrecompiledCharsMap from_blob(std::string_view blob, const std::string& path);

  // The normalized form of `s` (valid UTF-8). Sets *head_dropped when the
  // first character maps to nothing. Thread-safe.
  std::string normalize(std::string_view s, bool* head_dropped = nullptr) const;

  // The replacement of the shortest rule matching a prefix of `chunk`, or
  // nullptr when none does.
  const char* transform(std::string_view chunk, size_t* out_len) const;

 private:
  std::vector<uint32_t> units_;
  std::string normalized_;
};

}  // namespace epubtok::tokenizers::hf
