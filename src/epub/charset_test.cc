// Encoding detection and conversion. Byte values are from the published
// code tables (windows-1252, Shift_JIS/JIS X 0208, GB2312, Big5).
#include "epub/charset.h"

#include <gtest/gtest.h>
#include <unicode/ustring.h>

namespace epubtok::epub {
namespace {

std::string decode(std::string_view bytes) {
  Result<std::string> r = decode_to_utf8(std::string(bytes), "doc.xhtml");
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? *r : std::string();
}

TEST(Charset, SniffsBomXmlDeclarationAndMeta) {
  EXPECT_EQ(sniff_encoding("\xEF\xBB\xBF<p>"), "UTF-8");
  EXPECT_EQ(sniff_encoding(std::string_view("\xFF\xFE<\0", 4)), "UTF-16LE");
  EXPECT_EQ(sniff_encoding(std::string_view("\xFE\xFF\0<", 4)), "UTF-16BE");
  EXPECT_EQ(sniff_encoding("<?xml version='1.0' encoding='Shift_JIS'?><html/>"), "Shift_JIS");
  EXPECT_EQ(sniff_encoding("<html><head><meta charset=\"windows-1252\"></head>"), "windows-1252");
  EXPECT_EQ(sniff_encoding("<html><head><META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=big5\">"),
            "big5");
  EXPECT_EQ(sniff_encoding("<html><body>nothing declared</body></html>"), "");
}

TEST(Charset, Utf8PassesThroughAndBomIsRemoved) {
  EXPECT_EQ(decode("\xEF\xBB\xBF<p>caf\xC3\xA9</p>"), "<p>caf\xC3\xA9</p>");
}

TEST(Charset, Latin1LabelIsReadAsWindows1252) {
  // 0x93/0x94 are C1 controls in ISO-8859-1 but curly quotes in
  // windows-1252; browsers (and the WHATWG Encoding Standard) use the latter.
  EXPECT_EQ(decode("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><p>\x93"
                   "caf\xE9\x94</p>"),
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><p>\u201Ccaf\u00E9\u201D</p>");
  EXPECT_EQ(decode("<meta charset=windows-1252><p>\x80 5</p>"), "<meta charset=windows-1252><p>\u20AC 5</p>");
}

TEST(Charset, ShiftJis) {
  EXPECT_EQ(decode("<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><p>\x93\xFA\x96\x7B</p>"),
            "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><p>日本</p>");
}

TEST(Charset, Gb2312AndGbk) {
  EXPECT_EQ(decode("<meta charset=\"gb2312\"><p>\xD6\xD0\xCE\xC4</p>"), "<meta charset=\"gb2312\"><p>中文</p>");
  EXPECT_EQ(decode("<meta charset=\"GBK\"><p>\xD6\xD0</p>"), "<meta charset=\"GBK\"><p>中</p>");
}

TEST(Charset, Big5) {
  EXPECT_EQ(decode("<meta charset=\"Big5\"><p>\xA4\xA4\xA4\xE5</p>"), "<meta charset=\"Big5\"><p>中文</p>");
}

TEST(Charset, Utf16WithBom) {
  std::string le("\xFF\xFE", 2);
  for (char c : std::string("<p>hi</p>")) {
    le.push_back(c);
    le.push_back('\0');
  }
  le += std::string("\xE9\x00", 2);  // é
  EXPECT_EQ(decode(le), "<p>hi</p>é");
  std::string be("\xFE\xFF", 2);
  for (char c : std::string("<p>")) {
    be.push_back('\0');
    be.push_back(c);
  }
  be += std::string("\x65\xE5", 2);  // 日 U+65E5
  EXPECT_EQ(decode(be), "<p>日");
}

TEST(Charset, UnknownLabelIsAnError) {
  Result<std::string> r = decode_to_utf8("<?xml version='1.0' encoding='x-klingon-9'?><p/>", "OEBPS/ch9.xhtml");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnknownEncoding);
  EXPECT_NE(r.status().message().find("x-klingon-9"), std::string::npos);
  EXPECT_NE(r.status().message().find("OEBPS/ch9.xhtml"), std::string::npos);
}

TEST(Charset, InvalidUtf8DeclaredUtf8BecomesReplacementCharacters) {
  // A lone continuation byte, a truncated 3-byte sequence, an overlong '/'.
  EXPECT_EQ(decode("<meta charset=utf-8>a\x80"
                   "b\xE6\x97"
                   "c\xC0\xAF"),
            "<meta charset=utf-8>a\uFFFD"
            "b\uFFFD"
            "c\uFFFD\uFFFD");
}

TEST(Charset, UndeclaredInvalidUtf8FallsBackToWindows1252) { EXPECT_EQ(decode("<p>caf\xE9</p>"), "<p>caf\u00E9</p>"); }

TEST(Charset, Utf8Validation) {
  EXPECT_TRUE(is_valid_utf8("plain ascii that is longer than eight bytes"));
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80 \xE2\x82\xAC"));
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong
  // Maximal subparts: a truncated 4-byte sequence is ONE replacement.
  EXPECT_EQ(repair_utf8("\xF0\x9F\x98x"), "\uFFFDx");
}

TEST(Charset, Utf8ValidationAgreesWithIcu) {
  // ICU's strict UTF-8 → UTF-16 conversion is the independent oracle, on
  // random strings biased towards lead and continuation bytes and long
  // ASCII runs (to cross the 16-byte fast path).
  static const unsigned char kBytes[] = {'a',  ' ',  0x7F, 0x80, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xE1,
                                         0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0x9F, 0xA0, 0x8F, 0x90};
  uint64_t state = 99;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
  };
  int valid = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string s;
    for (int k = 0, n = static_cast<int>(next() % 24); k < n; ++k) {
      if (next() % 5 == 0) s += std::string(next() % 20, 'x');
      s += static_cast<char>(kBytes[next() % std::size(kBytes)]);
    }
    UErrorCode err = U_ZERO_ERROR;
    int32_t len = 0;
    u_strFromUTF8(nullptr, 0, &len, s.data(), static_cast<int32_t>(s.size()), &err);
    bool icu_valid = err != U_INVALID_CHAR_FOUND && err != U_ILLEGAL_CHAR_FOUND;
    ASSERT_EQ(is_valid_utf8(s), icu_valid) << ::testing::PrintToString(s);
    valid += icu_valid;
    // Repair always yields valid UTF-8 and leaves valid input unchanged.
    std::string repaired = repair_utf8(s);
    ASSERT_TRUE(is_valid_utf8(repaired));
    if (icu_valid) {
      ASSERT_EQ(repaired, s);
    }
  }
  EXPECT_GT(valid, 100);  // both outcomes are exercised
}

}  // namespace
}  // namespace epubtok::epub
