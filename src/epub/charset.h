// Character encodings of content documents: detection and conversion to UTF-8.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace epubtok::epub {

// The encoding label a document declares, by precedence: byte order mark
// ("UTF-8", "UTF-16LE", "UTF-16BE"), UTF-16 without BOM recognised from
// "<?", the XML declaration's encoding="…", then <meta charset="…"> or
// <meta http-equiv="Content-Type" content="…; charset=…"> within the first
// 8 KiB. Returns the label as written (trimmed), or "" when nothing is
// declared. Thread-safe.
std::string sniff_encoding(std::string_view bytes);

// Converts a document to UTF-8.
// - No declaration: UTF-8 when the bytes are valid UTF-8, otherwise
//   windows-1252 (what browsers fall back to for Western EPUB 2 files).
// - UTF-8 declared (or UTF-16 declared in an ASCII-compatible document, which
//   browsers also read as UTF-8): invalid sequences become U+FFFD.
// - ISO-8859-1, US-ASCII and Latin-1 labels are read as windows-1252 (as the
//   WHATWG Encoding Standard does); GB2312/GBK as GB18030; Shift_JIS as
//   windows-31j; other labels go to ICU's converter lookup.
// A byte order mark is removed. An unknown or unsupported label returns
// EPUB_UNKNOWN_ENCODING naming the label and `doc_name`. Thread-safe (an ICU
// converter is opened per call).
// Takes `bytes` by value so that the common case (UTF-8 already) moves the
// buffer through without a copy.
Result<std::string> decode_to_utf8(std::string bytes, std::string_view doc_name);

// The same conversion, replacing the contents of `doc` (which keeps its
// capacity when no conversion is needed, so callers can reuse one buffer).
// On error `doc` is unchanged.
Status decode_in_place(std::string& doc, std::string_view doc_name);

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or values
// past U+10FFFF).
bool is_valid_utf8(std::string_view s);

// Copies `s`, replacing each maximal ill-formed subsequence with U+FFFD
// (the WHATWG / Unicode "substitution of maximal subparts" practice).
std::string repair_utf8(std::string_view s);

}  // namespace epubtok::epub
