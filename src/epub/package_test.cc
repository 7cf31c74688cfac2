// Pieces of the package layer that are easier to test alone than through a
// whole book: href resolution, ISBN checksums, kind vocabulary.
#include "epub/package.h"

#include <gtest/gtest.h>

namespace epubtok::epub {
namespace {

TEST(Package, ResolveHref) {
  EXPECT_EQ(resolve_href("OEBPS/", "text/ch1.xhtml"), "OEBPS/text/ch1.xhtml");
  EXPECT_EQ(resolve_href("OEBPS/text/", "../images/a.svg#frag"), "OEBPS/images/a.svg");
  EXPECT_EQ(resolve_href("OEBPS/", "./My%20Chapter%C3%A9.xhtml?x=1"), "OEBPS/My Chapteré.xhtml");
  EXPECT_EQ(resolve_href("", "/abs/path.xhtml"), "abs/path.xhtml");
  EXPECT_EQ(resolve_href("OEBPS/", "http://example.com/x.html"), "");
  EXPECT_EQ(dir_of("OEBPS/content.opf"), "OEBPS/");
  EXPECT_EQ(dir_of("content.opf"), "");
}

TEST(Package, IsbnChecksums) {
  // ISBN-13 check digit: weights 1,3; ISBN-10: weights 10..1, mod 11.
  EXPECT_TRUE(is_valid_isbn("9780306406157"));
  EXPECT_FALSE(is_valid_isbn("9780306406158"));
  EXPECT_TRUE(is_valid_isbn("0306406152"));
  EXPECT_TRUE(is_valid_isbn("080442957X"));
  EXPECT_FALSE(is_valid_isbn("0306406153"));
  EXPECT_FALSE(is_valid_isbn("1234567890123"));  // no 978/979 prefix
}

TEST(Package, KindVocabulary) {
  ChapterKind k;
  ASSERT_TRUE(kind_from_types("cover", k));
  EXPECT_EQ(k, ChapterKind::kFront);
  ASSERT_TRUE(kind_from_types("unknown-thing bodymatter", k));
  EXPECT_EQ(k, ChapterKind::kBody);
  ASSERT_TRUE(kind_from_types("appendix", k));
  EXPECT_EQ(k, ChapterKind::kBack);
  ASSERT_TRUE(kind_from_types("title-page", k));  // EPUB 2 guide spelling
  EXPECT_EQ(k, ChapterKind::kFront);
  ASSERT_TRUE(kind_from_types("text", k));  // EPUB 2 guide: start of the body
  EXPECT_EQ(k, ChapterKind::kBody);
  EXPECT_FALSE(kind_from_types("", k));
  EXPECT_FALSE(kind_from_types("pagebreak", k));
}

TEST(Package, ContainerPicksTheOpfRootfile) {
  Result<std::string> r = parse_container(
      "<container xmlns='urn:oasis:names:tc:opendocument:xmlns:container'><rootfiles>"
      "<rootfile full-path='other.pdf' media-type='application/pdf'/>"
      "<rootfile full-path='EPUB/package.opf' media-type='application/oebps-package+xml'/>"
      "</rootfiles></container>");
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(*r, "EPUB/package.opf");
  Result<std::string> bad = parse_container("<container><rootfiles><rootfile full-path='a.opf'</container>");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kMalformedXml);
  EXPECT_NE(bad.status().message().find("META-INF/container.xml"), std::string::npos);
  EXPECT_NE(bad.status().message().find("offset"), std::string::npos);
}

TEST(Package, NavTocAndLandmarks) {
  Navigation nav = parse_nav(
      "<html><body><nav epub:type='toc'><ol><li><a href='text/c1.xhtml#s1'>One &amp; <ruby>一<rt>いち</rt></ruby></a>"
      "<ol><li><a href='text/c1.xhtml#s2'>Nested</a></li></ol></li><li><a href='text/c2.xhtml'>Two</a></li></ol></nav>"
      "<nav epub:type='landmarks'><ol><li><a epub:type='bodymatter' href='text/c1.xhtml'>Start</a></li></ol></nav>"
      "<nav epub:type='page-list'><ol><li><a href='text/c2.xhtml#p3'>3</a></li></ol></nav></body></html>",
      "OEBPS/nav.xhtml");
  ASSERT_EQ(nav.toc.size(), 3u);
  EXPECT_EQ(nav.toc[0].href, "OEBPS/text/c1.xhtml");
  EXPECT_EQ(nav.toc[0].label, "One & 一");
  EXPECT_EQ(nav.toc[2].label, "Two");
  ASSERT_EQ(nav.landmarks.size(), 1u);
  EXPECT_EQ(nav.landmarks[0].label, "bodymatter");
}

}  // namespace
}  // namespace epubtok::epub
