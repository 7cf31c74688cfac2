// Words and characters of a UTF-8 text.
#pragma once

#include <cstdint>
#include <string_view>

namespace epubtok::text {

struct TextStats {
  uint64_t words = 0;  // UAX #29 word segments containing a letter or digit
                       // (CJK and Thai segmented by ICU's dictionaries)
  uint64_t chars = 0;  // code points that are not white space
};

// Counts words and characters. Thread-safe (per-thread ICU iterators).
// Invalid UTF-8 bytes count as one character each and never as words.
TextStats count_text(std::string_view utf8);

}  // namespace epubtok::text
