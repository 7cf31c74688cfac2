// The Hugging Face engine's view of Unicode: its character classes (the
// shared table, tokenizers/unicode/char_class.h, at the version this engine
// matches its reference with), UnicodeScripts' script table and Rust's
// lowercase mapping. UTF-8 decoding is core/utf8.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/ascii.h"
#include "core/utf8.h"
#include "tokenizers/unicode/char_class.h"

namespace epubtok::tokenizers::hf {

// The Unicode version of this engine's classes; see UnicodeVersion for why.
inline constexpr UnicodeVersion kHfUnicode = UnicodeVersion::kHfReference;

// Class bits (CharClass) of code point `cp` (0 for cp > 0x10FFFF), each bit
// at the Unicode version of the reference's code that asks that question.
inline uint16_t char_class(char32_t cp) { return tokenizers::char_class<kHfUnicode>(cp); }

// The script class the reference's UnicodeScripts pre-tokenizer gives `cp`:
// 0 for "Any" (U+0020 and code points its Unicode 9.0 table lacks), else a
// script id, with Hiragana, Katakana and U+30FC folded into Han as the
// reference does. Only equality between ids is meaningful. Thread-safe.
uint8_t unicode_script(char32_t cp);

// Full Unicode lowercase of one code point (Rust char::to_lowercase, at its
// standard library's Unicode version, 17.0: no context, so a final sigma
// stays σ), appended to out.
void append_lowercase(char32_t cp, std::string& out);

}  // namespace epubtok::tokenizers::hf
