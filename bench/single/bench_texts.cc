// bench_texts DIR BYTES [NAME...]: writes the single-pass benchmark's texts
// into DIR as NAME.txt, each at least BYTES bytes: one per language of
// generate_script_book() (en fr de ru el ar he hi sa bn th zh ja ko) and
// "whitespace" (generate_whitespace_book()). With NAMEs, only those. Seed 1
// throughout, so the same build writes the same bytes.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/prose.h"

int main(int argc, char** argv) {
  using namespace epubtok::test_support;
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_texts DIR BYTES [NAME...]\n");
    return 2;
  }
  try {
    const std::filesystem::path dir = argv[1];
    const size_t bytes = std::strtoull(argv[2], nullptr, 10);
    std::vector<std::string> names(argv + 3, argv + argc);
    if (names.empty()) {
      names = script_book_languages();
      names.emplace_back("whitespace");
    }
    std::filesystem::create_directories(dir);
    for (const std::string& name : names) {
      const std::filesystem::path path = dir / (name + ".txt");
      const std::string text =
          name == "whitespace" ? generate_whitespace_book(1, bytes) : generate_script_book(1, bytes, name);
      std::ofstream(path, std::ios::binary).write(text.data(), static_cast<std::streamsize>(text.size()));
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_texts: %s\n", e.what());
    return 1;
  }
}
