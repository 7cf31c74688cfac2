// Where the shared sample corpus of real EPUBs is: $EPUBTOK_CORPUS when set,
// else ../shared/corpus beside the source tree ($EPUBTOK_SOURCE_DIR, which
// `make test` exports, or the tree the test was compiled from). The corpus
// is not part of the repository; tests that read it skip visibly, saying
// where they looked, when it is absent.
//
// Header-only: it uses EPUBTOK_SOURCE_DIR_FALLBACK, which epubtok_add_test()
// defines for each test executable.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace epubtok::testing {

struct CorpusDir {
  std::filesystem::path path;  // the folder looked at
  bool from_env = false;       // named by EPUBTOK_CORPUS
  bool present() const { return std::filesystem::is_directory(path); }
  // Why there is no corpus, for GTEST_SKIP / a failure message.
  std::string absent_reason() const {
    return "no corpus at " + path.string() +
           (from_env ? " (from EPUBTOK_CORPUS)" : "; set EPUBTOK_CORPUS to a folder of .epub files to run this test");
  }
};

inline CorpusDir corpus_dir() {
  CorpusDir d;
  if (const char* env = std::getenv("EPUBTOK_CORPUS"); env && *env) {
    d.path = env;
    d.from_env = true;
    return d;
  }
  std::filesystem::path source;
  if (const char* s = std::getenv("EPUBTOK_SOURCE_DIR"); s && *s) source = s;
#ifdef EPUBTOK_SOURCE_DIR_FALLBACK
  if (source.empty()) source = EPUBTOK_SOURCE_DIR_FALLBACK;
#endif
  d.path = (source / ".." / "shared" / "corpus").lexically_normal();
  return d;
}

}  // namespace epubtok::testing

// In a test body: the corpus folder, or a visible skip naming where it was
// looked for. A folder named by EPUBTOK_CORPUS that does not exist is a
// failure, not a skip: someone asked for these tests to run.
#define EPUBTOK_REQUIRE_CORPUS(var)                                           \
  const ::epubtok::testing::CorpusDir var = ::epubtok::testing::corpus_dir(); \
  if (!(var).present()) {                                                     \
    if ((var).from_env) FAIL() << (var).absent_reason();                      \
    GTEST_SKIP() << (var).absent_reason();                                    \
  }
