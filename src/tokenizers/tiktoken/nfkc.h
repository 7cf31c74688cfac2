// NFKC normalisation for the Claude tokenizer, which normalises its input
// (`text.normalize('NFKC')` in @anthropic-ai/tokenizer) before encoding.
#pragma once

#include <string>
#include <string_view>

namespace epubtok::tokenizers::tiktoken {

// Returns true when `text` may change under NFKC and writes the normalised
// text to `out`; returns false, leaving `out` untouched, when `text` is
// already NFKC (the common case: ASCII, and most non-ASCII prose).
//
// Why not normalise everything: utf8proc runs at ~40 MB/s, far below the
// Claude counting target. Text is cut into units "one ASCII character + the
// run of non-ASCII characters after it"; ASCII characters are starters that
// never compose with what precedes them, so units normalise independently,
// and a unit whose characters have no decomposition, combining class 0 and
// no part in any composition is already normalised. Only the other units go
// through utf8proc.
//
// Invalid UTF-8 bytes become U+FFFD, as a JavaScript string decoded from the
// same bytes would hold. Unicode version: utf8proc 2.8 (Unicode 15.0); the
// reference uses its Node's ICU, so characters given compatibility mappings
// after 15.0 can differ. Thread-safe.
bool nfkc_if_needed(std::string_view text, std::string& out);

}  // namespace epubtok::tokenizers::tiktoken
