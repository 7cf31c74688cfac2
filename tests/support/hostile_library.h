// A generated library of hostile EPUBs: zip bombs, dangerous entry names,
// damaged archives, entity expansion, external entities, extreme nesting and
// sizes, odd encodings, a renamed .docx, a spine of 100,000 items. Every
// book is written by our own builder (epub_builder.h) from a fixed seed, so
// the same name always gives the same bytes.
//
// Books are written one at a time and the big ones are streamed through
// deflate (ZipEntry::source), so a test can make any single book cheaply
// and no 200 MB string is ever held. Thread-safe (pure functions of their
// arguments).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace epubtok::testing {

struct HostileBook {
  std::string name;  // file stem, e.g. "zip-bomb-ratio"; the file is <name>.epub
  std::string what;  // one line: what makes it hostile
};

// Every book of the library, in a fixed order.
const std::vector<HostileBook>& hostile_books();

// Writes book `name` to `dir`/<name>.epub (creating `dir`) and returns the
// path. Books that point at outside files (the external-entity book) point
// at `dir`/outside-secret.txt, which is written too, holding
// kHostileSecret: a reader that resolves external entities would show it.
// Throws std::invalid_argument for an unknown name, std::runtime_error when
// the file cannot be written.
std::filesystem::path write_hostile_book(const std::string& name, const std::filesystem::path& dir);

inline constexpr const char* kHostileSecret = "EPUBTOK-SECRET-8e1f2b7c-NEVER-IN-OUTPUT";

}  // namespace epubtok::testing
