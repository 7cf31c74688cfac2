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
// Claude counting target. Only stretches of "unstable" characters go
// through utf8proc, each with the character before it; the text is cut
// before ASCII and "stable" characters (starters that NFKC maps to
// themselves and that never are the second part of a composition: nothing
// before them can combine with them), so the stretches normalise
// independently. Full-width forms, U+3000 and U+2026 followed by
// something that cannot combine with their ASCII mapping are mapped
// directly. The first call builds an 8 KB table of the BMP (~15 ms).
//
// Invalid UTF-8 bytes become U+FFFD, as a JavaScript string decoded from the
// same bytes would hold. Unicode version: utf8proc 2.8 (Unicode 15.0); the
// reference uses its Node's ICU, so characters given compatibility mappings
// after 15.0 can differ. Thread-safe.
bool nfkc_if_needed(std::string_view text, std::string& out);

}  // namespace epubtok::tokenizers::tiktoken
