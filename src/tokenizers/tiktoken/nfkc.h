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
// Why not normalise everything: utf8proc is many times slower than
// counting. Only stretches of "unstable" characters go
// through utf8proc, each with the character before it; the text is cut
// before ASCII and "stable" characters (starters that NFKC maps to
// themselves and that never are the second part of a composition: nothing
// before them can combine with them), so the stretches normalise
// independently. Full-width forms, U+3000 and U+2026 followed by
// something that cannot combine with their ASCII mapping are mapped
// directly. Which BMP characters are stable is a bitset generated at build
// time (nfkc.cc).
//
// Invalid UTF-8 bytes become U+FFFD, as a JavaScript string decoded from the
// same bytes would hold. Unicode version: utf8proc 2.8 (Unicode 15.0); the
// reference uses its Node's ICU, so characters given compatibility mappings
// after 15.0 can differ. Thread-safe.
bool nfkc_if_needed(std::string_view text, std::string& out);

}  // namespace epubtok::tokenizers::tiktoken
