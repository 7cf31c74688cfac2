// libFuzzer target for a whole book: any bytes, as an .epub file, through
// count_book() with two tokenizers of different engines (cl100k_base, BPE
// with clean splits, so the book count is joined from chapter counts; and
// llama-3, Hugging Face, counted over the whole text). Never a crash; a
// failed book carries a documented error code; a counted book's token
// counts are exactly each tokenizer's count of book_text(), the text
// `epubtok text` prints.
//
//   make fuzz && build-fuzz/tests/fuzz/book_fuzz -max_total_time=600 build-fuzz/seeds/book_fuzz
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/error_codes.h"
#include "count/counter.h"
#include "epub/epub_reader.h"
#include "fuzz_support.h"
#include "tokenizers/registry.h"

using namespace epubtok;

namespace {

count::CountOptions& options() {
  static count::CountOptions o = [] {
    count::CountOptions opts;
    for (std::string_view id : {"cl100k_base", "llama-3"}) {
      auto tok = tokenizers::Registry::global().get(id);
      if (!tok) fuzz::fail("cannot load tokenizer", tok.status().message());
      opts.tokenizers.push_back(*tok);
    }
    // Small enough that bomb and size checks are reachable.
    opts.max_bytes = 8u << 20;
    return opts;
  }();
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)options();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::MemFile file;
  const std::string& path = file.write(std::string_view(reinterpret_cast<const char*>(data), size));
  const count::CountOptions& opts = options();
  model::BookResult r = count::count_book(path, opts);
  if (r.status != model::BookStatus::kOk) {
    if (!r.error || !parse_error_code(r.error->code)) fuzz::fail("failed book without a documented code");
    return 0;
  }
  if (r.token_counts.size() != opts.tokenizers.size()) fuzz::fail("token counts missing");
  epub::ReadOptions ro;
  ro.max_entry_bytes = opts.max_bytes;
  Result<epub::Book> book = epub::read_book(path, ro);
  if (!book) fuzz::fail("count_book counted a book read_book refuses:", book.status().message());
  std::string text = epub::book_text(*book);
  for (size_t i = 0; i < opts.tokenizers.size(); ++i) {
    if (r.token_counts[i].second != opts.tokenizers[i]->count(text))
      fuzz::fail("book token count is not the count of the book's text for", r.token_counts[i].first);
  }
  return 0;
}
