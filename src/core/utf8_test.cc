#include "core/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace epubtok {
namespace {

TEST(CodePointBeforeTest, DecodesTheSequenceEndingThere) {
  const std::string text = "a\u00e9\u4e2d\U0001F600";  // 1-, 2-, 3- and 4-byte sequences
  EXPECT_EQ(code_point_before(text, 1), U'a');
  EXPECT_EQ(code_point_before(text, 3), U'\u00e9');
  EXPECT_EQ(code_point_before(text, 6), U'\u4e2d');
  EXPECT_EQ(code_point_before(text, 10), U'\U0001F600');
}

TEST(CodePointBeforeTest, IllFormedBytesAreReplacementCharacters) {
  EXPECT_EQ(code_point_before("", 0), U'\uFFFD');                      // nothing before
  EXPECT_EQ(code_point_before("\x80", 1), U'\uFFFD');                  // stray continuation byte
  EXPECT_EQ(code_point_before("\xe4\xb8", 2), U'\uFFFD');              // truncated sequence
  EXPECT_EQ(code_point_before("\xc1\xa1", 2), U'\uFFFD');              // overlong 'a'
  EXPECT_EQ(code_point_before("\xe0\x80\xa1", 3), U'\uFFFD');          // overlong three-byte
  EXPECT_EQ(code_point_before("\xed\xa0\x80", 3), U'\uFFFD');          // surrogate U+D800
  EXPECT_EQ(code_point_before("\xf4\x90\x80\x80", 4), U'\uFFFD');      // above U+10FFFF
  EXPECT_EQ(code_point_before("\xf0\x80\x80\x80\xa1", 5), U'\uFFFD');  // too many continuations
  EXPECT_EQ(code_point_before("a\xe4\xb8\xad", 2), U'\uFFFD');         // ends inside a sequence
}

}  // namespace
}  // namespace epubtok
