// HTML5 character references (named and numeric) → UTF-8.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/utf8.h"

namespace epubtok::epub {

// Decodes the character reference at the start of `s`, which must begin with
// '&'. On success appends the replacement (UTF-8) to `out` and returns the
// number of input bytes consumed (including '&' and any ';'); returns 0 when
// `s` does not start a reference, in which case the caller keeps the '&' as
// text. Follows the HTML5 rules for text content: the full named set of 2,231
// entries (legacy names such as "&amp" and "&copy" also without ';', longest
// match), decimal/hex numeric references with or without ';', and the
// replacement rules for NUL, surrogates, out-of-range values and 0x80-0x9F
// (mapped through windows-1252). Thread-safe (pure function).
size_t decode_char_ref(std::string_view s, std::string& out);

// Replaces every entity in `s` (see decode_char_ref); other bytes are copied.
std::string decode_entities(std::string_view s);

}  // namespace epubtok::epub
