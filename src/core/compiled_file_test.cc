// The compiled file container: sections round-trip, the source check
// takes the identity shortcut only for the recorded identity, and a source
// changed moments before compiling is always hashed.
#include "core/compiled_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace epubtok::compiled {
namespace {

namespace fs = std::filesystem;

class CompiledFileTest : public ::testing::Test {
 protected:
  CompiledFileTest() : dir_(fs::temp_directory_path() / ("epubtok-compiled-file-test-" + std::to_string(::getpid()))) {
    fs::create_directories(dir_);
  }
  ~CompiledFileTest() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(CompiledFileTest, SectionsRoundTripAndTheIdentityShortcutSkipsHashingOnlyForTheRecordedSource) {
  const SourceStamp stamp = stamp_of("the source bytes");
  // Changed long ago: recorded, so a load with this identity need not hash.
  const FileIdentity old_source{1, 2, stamp.size, 1'000'000'000, 1'000'000'000};
  Writer w;
  const std::vector<uint32_t> numbers = {1, 2, 3, 0xFFFFFFFF};
  w.add(7, "seven");
  w.add_records(9, std::span<const uint32_t>(numbers));
  const fs::path path = dir_ / "a.compiled";
  ASSERT_EQ(w.write(path, Kind::kTiktoken, stamp, old_source), "");

  int hashed = 0;
  auto stamp_fn = [&] {
    ++hashed;
    return stamp;
  };
  std::string why;
  auto r = Reader::open(path, Kind::kTiktoken, old_source, stamp_fn, why);
  ASSERT_TRUE(r) << why;
  EXPECT_EQ(hashed, 0);
  EXPECT_EQ(r->section(7), "seven");
  ASSERT_TRUE(r->records<uint32_t>(9));
  EXPECT_EQ(std::vector<uint32_t>(r->records<uint32_t>(9)->begin(), r->records<uint32_t>(9)->end()), numbers);
  EXPECT_FALSE(r->section(8));
  EXPECT_FALSE(r->records<uint64_t>(7));  // 5 bytes are not whole uint64_t records

  // Another identity (a copy, a reinstall): hashed, and accepted when the
  // bytes are the same.
  FileIdentity copied = old_source;
  copied.ino = 99;
  ASSERT_TRUE(Reader::open(path, Kind::kTiktoken, copied, stamp_fn, why)) << why;
  EXPECT_EQ(hashed, 1);
  // Other bytes of the same size: refused.
  auto other_bytes = [&] { return stamp_of("the SOURCE bytes"); };
  EXPECT_FALSE(Reader::open(path, Kind::kTiktoken, copied, other_bytes, why));
  EXPECT_EQ(why, "built from another version of the source file");
  // Another size: refused without hashing.
  FileIdentity longer = old_source;
  longer.size += 1;
  EXPECT_FALSE(Reader::open(path, Kind::kTiktoken, longer, stamp_fn, why));
  EXPECT_EQ(hashed, 1);
  EXPECT_FALSE(Reader::open(path, Kind::kHfBpe, old_source, stamp_fn, why));
  EXPECT_EQ(why, "compiled for another kind of tokenizer");
  EXPECT_FALSE(Reader::open(dir_ / "none.compiled", Kind::kTiktoken, old_source, stamp_fn, why));
  EXPECT_EQ(why, "missing");
}

TEST_F(CompiledFileTest, ASourceChangedJustBeforeCompilingIsAlwaysHashed) {
  const fs::path src = dir_ / "source.json";
  std::ofstream(src) << "fresh";
  std::string error;
  const auto identity = identity_of(src, error);
  ASSERT_TRUE(identity) << error;
  EXPECT_EQ(identity->size, 5u);
  const SourceStamp stamp = stamp_of("fresh");
  ASSERT_EQ(Writer().write(dir_ / "s.compiled", Kind::kHfBpe, stamp, *identity), "");
  int hashed = 0;
  std::string why;
  ASSERT_TRUE(Reader::open(
      dir_ / "s.compiled", Kind::kHfBpe, *identity,
      [&] {
        ++hashed;
        return stamp;
      },
      why))
      << why;
  EXPECT_EQ(hashed, 1);
  EXPECT_FALSE(identity_of(dir_ / "missing.json", error));
  EXPECT_EQ(error, "missing");
}

}  // namespace
}  // namespace epubtok::compiled
