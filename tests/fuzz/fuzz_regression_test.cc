// Regression tests for what the libFuzzer targets in this folder found, one
// test per finding, each with the input that triggered it (generated here or
// embedded as a small byte string) and a note on what it exercises. These
// run in `make test`; the fuzz targets themselves need clang (`make fuzz`).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>

#include <boost/json.hpp>

#include "epub/charset.h"
#include "epub/zip_archive.h"
#include "jobs/job_manager.h"
#include "server/path_policy.h"
#include "server/router.h"
#include "server/upload_area.h"
#include "support/epub_builder.h"

namespace epubtok {
namespace {
namespace fs = std::filesystem;

fs::path temp_path(const std::string& name) {
  return fs::temp_directory_path() / ("epubtok_fuzz_regression_" + std::to_string(::getpid()) + "_" + name);
}

void put_u32(std::string& bytes, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) bytes[at + static_cast<size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

// zip_fuzz: an entry whose headers declare a compressed size of ~2 GB in a
// file of a few hundred bytes. The libdeflate fast path sized its input
// buffer from that field before reading, so every such book allocated (and
// with ASan, exhausted) gigabytes. It must be EPUB_ZIP_CORRUPT, allocating
// nothing of the kind.
TEST(FuzzRegression, ZipEntryDeclaringMoreCompressedBytesThanTheFileIsCorrupt) {
  testing::ZipEntry entry;
  entry.name = "a.txt";
  entry.data = std::string(300, 'a');
  std::string zip = testing::build_zip({entry});
  // Patch the compressed size in the local header (offset 18) and the
  // central directory header (offset 20 from its signature).
  ASSERT_EQ(zip.compare(0, 4, "PK\3\4"), 0);
  put_u32(zip, 18, 0x7FFFFFF0u);
  size_t central = zip.find("PK\1\2");
  ASSERT_NE(central, std::string::npos);
  put_u32(zip, central + 20, 0x7FFFFFF0u);
  fs::path path = temp_path("lying.zip");
  ASSERT_TRUE(testing::write_file(path.string(), zip));

  auto archive = epub::ZipArchive::open(path.string(), epub::ZipLimits{});
  ASSERT_TRUE(archive) << archive.status().message();
  ASSERT_EQ(archive->names().size(), 1u);
  Result<std::string> read = archive->read(0);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.status().code(), ErrorCode::kZipCorrupt) << read.status().message();
  EXPECT_NE(read.status().message().find("a.txt"), std::string::npos);
  fs::remove(path);
}

// http_fuzz: a job id with a byte that is not UTF-8
// ("POST /api/jobs/job_\x84000000000000001/cancel") came back inside the
// JOB_NOT_FOUND message as that raw byte, so the error body was not valid
// JSON (RFC 8259 requires UTF-8; Boost.JSON's own parser refused it). Every
// JSON body must be UTF-8, the bad byte replaced by U+FFFD.
TEST(FuzzRegression, ErrorBodyEchoingInvalidUtf8IsValidJson) {
  fs::path base = temp_path("router");
  fs::remove_all(base);
  fs::create_directories(base / "lib");
  server::ServerOptions options;
  options.libraries = {base / "lib"};
  options.web_root = base / "web";
  server::PathPolicy policy(options.libraries, base / "uploads");
  server::UploadArea uploads(base / "uploads", server::UploadLimits{});
  ASSERT_TRUE(uploads.init());
  jobs::JobManagerOptions jo;
  jo.database = ":memory:";
  auto manager = jobs::JobManager::open(std::move(jo));
  ASSERT_TRUE(manager);
  server::ApiContext ctx;
  ctx.options = &options;
  ctx.jobs = manager->get();
  ctx.paths = &policy;
  ctx.uploads = &uploads;
  ctx.port = 8787;

  for (const std::string& target : {std::string("/api/jobs/job_\x84"
                                                "000000000000001/cancel"),
                                    std::string("/api/jobs/job_%84%C3%28/cancel")}) {
    server::Request req{server::http::verb::post, target, 11};
    req.set(server::http::field::host, "127.0.0.1:8787");
    server::RouteResult r = server::route(req, ctx);
    EXPECT_EQ(r.response.result(), server::http::status::not_found);
    const std::string& body = r.response.body();
    EXPECT_TRUE(epub::is_valid_utf8(body)) << body;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(body, ec);
    ASSERT_FALSE(ec) << body;
    EXPECT_EQ(v.at("error").at("code").as_string(), "JOB_NOT_FOUND");
    EXPECT_NE(std::string(v.at("error").at("message").as_string()).find("\xEF\xBF\xBD"), std::string::npos);
  }
  manager->reset();
  fs::remove_all(base);
}

}  // namespace
}  // namespace epubtok
