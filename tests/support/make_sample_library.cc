// make-sample-library: writes the made-up EPUB libraries.
//
//   make-sample-library OUTDIR
//       the 7-book multilingual sample library (used by `make run` and tests)
//   make-sample-library --bench-library OUTDIR [--books 48] [--mb 90] [--seed 1]
//       a benchmark library of N books totalling about M MB of EPUB
//   make-sample-library --big-book FILE [--lang hi] [--mb 17] [--chapters 18] [--seed 1]
//       one long book of about M MB (10^6 bytes) of text, for count -j N
//   make-sample-library --script-library OUTDIR [--mb 91] [--sanskrit-mb 17] [--seed 1]
//       the whole-library benchmark's 48 books in 14 scripts, one of them a
//       Sanskrit book of about S MB of text (make_script_library())
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>

#include "support/sample_library.h"

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: make-sample-library OUTDIR\n"
               "       make-sample-library --bench-library OUTDIR [--books N] [--mb M] [--seed S]\n"
               "       make-sample-library --big-book FILE [--lang L] [--mb M] [--chapters N] [--seed S]\n"
               "       make-sample-library --script-library OUTDIR [--mb M] [--sanskrit-mb S] [--seed S]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc == 2 && argv[1][0] != '-') {
      auto paths = epubtok::testing::make_sample_library(argv[1]);
      for (const auto& p : paths) std::printf("%s\n", p.c_str());
      return 0;
    }
    if (argc >= 3 && std::string(argv[1]) == "--bench-library") {
      std::string dir = argv[2];
      int books = 48;
      double mb = 90;
      unsigned long long seed = 1;
      for (int i = 3; i + 1 < argc; i += 2) {
        std::string flag = argv[i];
        if (flag == "--books")
          books = std::atoi(argv[i + 1]);
        else if (flag == "--mb")
          mb = std::atof(argv[i + 1]);
        else if (flag == "--seed")
          seed = std::strtoull(argv[i + 1], nullptr, 10);
        else
          return usage();
      }
      if ((argc - 3) % 2 != 0 || books <= 0 || mb <= 0) return usage();
      auto paths = epubtok::testing::make_library(dir, books, mb, seed);
      uintmax_t total = 0;
      for (const auto& p : paths) total += std::filesystem::file_size(p);
      std::printf("%zu books, %.1f MB in %s\n", paths.size(), static_cast<double>(total) / 1e6, dir.c_str());
      return 0;
    }
    if (argc >= 3 && std::string(argv[1]) == "--big-book") {
      std::string path = argv[2];
      std::string lang = "hi";
      double mb = 17;
      int chapters = 18;
      unsigned long long seed = 1;
      for (int i = 3; i + 1 < argc; i += 2) {
        std::string flag = argv[i];
        if (flag == "--lang")
          lang = argv[i + 1];
        else if (flag == "--mb")
          mb = std::atof(argv[i + 1]);
        else if (flag == "--chapters")
          chapters = std::atoi(argv[i + 1]);
        else if (flag == "--seed")
          seed = std::strtoull(argv[i + 1], nullptr, 10);
        else
          return usage();
      }
      if ((argc - 3) % 2 != 0 || chapters <= 0 || mb <= 0) return usage();
      epubtok::testing::make_big_book(path, lang, static_cast<size_t>(mb * 1e6), chapters, seed);
      std::printf("%s: %.1f MB\n", path.c_str(), static_cast<double>(std::filesystem::file_size(path)) / 1e6);
      return 0;
    }
    if (argc >= 3 && std::string(argv[1]) == "--script-library") {
      double mb = 91, sanskrit_mb = 17;
      unsigned long long seed = 1;
      for (int i = 3; i + 1 < argc; i += 2) {
        std::string flag = argv[i];
        if (flag == "--mb")
          mb = std::atof(argv[i + 1]);
        else if (flag == "--sanskrit-mb")
          sanskrit_mb = std::atof(argv[i + 1]);
        else if (flag == "--seed")
          seed = std::strtoull(argv[i + 1], nullptr, 10);
        else
          return usage();
      }
      if ((argc - 3) % 2 != 0 || mb <= 0 || sanskrit_mb <= 0) return usage();
      auto paths = epubtok::testing::make_script_library(argv[2], mb, sanskrit_mb, seed);
      uintmax_t total = 0;
      for (const auto& p : paths) total += std::filesystem::file_size(p);
      std::printf("%zu books, %.1f MB in %s\n", paths.size(), static_cast<double>(total) / 1e6, argv[2]);
      return 0;
    }
    return usage();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make-sample-library: %s\n", e.what());
    return 1;
  }
}
