#include "text/text_stats.h"

#include "text/word_count.h"

namespace epubtok::text {

TextStats count_text(std::string_view utf8) {
  TextStats stats;
  stats.words = count_words(utf8);
  stats.chars = count_chars(utf8);
  return stats;
}

}  // namespace epubtok::text
