#include "core/error_codes.h"

#include <gtest/gtest.h>

#include "core/status.h"

namespace epubtok {
namespace {

TEST(ErrorCodes, NamesRoundTripAndAreUnique) {
  for (int i = 0; i <= static_cast<int>(ErrorCode::kInternal); ++i) {
    auto code = static_cast<ErrorCode>(i);
    std::string_view name = error_code_name(code);
    ASSERT_FALSE(name.empty());
    EXPECT_EQ(parse_error_code(name), code) << name;
    EXPECT_FALSE(error_code_description(code).empty()) << name;
  }
  EXPECT_EQ(parse_error_code("NO_SUCH_CODE"), std::nullopt);
}

TEST(Status, CarriesCodeAndMessage) {
  Status ok;
  EXPECT_TRUE(ok.is_ok());
  Status drm(ErrorCode::kDrm, "META-INF/encryption.xml uses http://example/alg");
  EXPECT_FALSE(drm.is_ok());
  EXPECT_EQ(drm.code_name(), "EPUB_DRM");
  EXPECT_EQ(drm.to_string(), "EPUB_DRM: META-INF/encryption.xml uses http://example/alg");
}

TEST(Result, HoldsValueOrError) {
  Result<int> good = 42;
  ASSERT_TRUE(good);
  EXPECT_EQ(*good, 42);
  Result<int> bad(ErrorCode::kFileNotFound, "no such file: x.epub");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.status().code(), ErrorCode::kFileNotFound);
}

}  // namespace
}  // namespace epubtok
