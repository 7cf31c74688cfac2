// make-hostile-library: writes the hostile EPUBs of hostile_library.h.
//
//   make-hostile-library OUTDIR [NAME…]
//       every book (or only the named ones) as OUTDIR/NAME.epub, one line each:
//       the path and what makes the book hostile
#include <cstdio>
#include <exception>
#include <string>

#include "support/hostile_library.h"

int main(int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') {
    std::fprintf(stderr, "usage: make-hostile-library OUTDIR [NAME...]\n");
    return 2;
  }
  try {
    for (const epubtok::testing::HostileBook& book : epubtok::testing::hostile_books()) {
      bool wanted = argc == 2;
      for (int i = 2; i < argc; ++i) wanted = wanted || book.name == argv[i];
      if (!wanted) continue;
      std::filesystem::path p = epubtok::testing::write_hostile_book(book.name, argv[1]);
      std::printf("%s\t%s\n", p.c_str(), book.what.c_str());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make-hostile-library: %s\n", e.what());
    return 1;
  }
  return 0;
}
