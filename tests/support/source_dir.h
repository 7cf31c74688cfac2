// The source tree, for tests that read files from it (docs, fixtures,
// scripts): $EPUBTOK_SOURCE_DIR, which `make test` exports, else the tree
// the test was compiled from. Installed data (vocabularies) is found with
// core/data_dir.h's data_dir() instead.
//
// Header-only: it uses EPUBTOK_SOURCE_DIR_FALLBACK, which epubtok_add_test()
// defines for each test executable.
#pragma once

#include <cstdlib>
#include <filesystem>

namespace epubtok::testing {

inline std::filesystem::path source_dir() {
  if (const char* s = std::getenv("EPUBTOK_SOURCE_DIR"); s && *s) return s;
#ifdef EPUBTOK_SOURCE_DIR_FALLBACK
  return EPUBTOK_SOURCE_DIR_FALLBACK;
#else
  return {};
#endif
}

}  // namespace epubtok::testing
