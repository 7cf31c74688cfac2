// Word and character counting speed on generated book text, single thread.
// Usage: text_bench [MB per language, default 20]
// Prints MB/s (best of 3, thread CPU time) for count_words (hybrid), ICU
// alone, count_chars and count_text, and flags any hybrid/ICU mismatch.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/prose.h"
#include "text/text_stats.h"
#include "text/word_count.h"

namespace {

// CPU time of this thread, not wall time: the development machine is shared
// by several builds, and wall time mostly measured their load.
double thread_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

template <typename F>
double best_mbps(const std::string& text, F&& f, uint64_t* result) {
  double best = 0;
  for (int rep = 0; rep < 3; ++rep) {
    const double t0 = thread_seconds();
    *result = f(text);
    best = std::max(best, text.size() / 1e6 / (thread_seconds() - t0));
  }
  return best;
}

void report(const char* name, const std::string& text) {
  using namespace epubtok;
  uint64_t w1 = 0, w2 = 0, c = 0, both = 0;
  const double hybrid = best_mbps(
      text, [](const std::string& t) { return text::count_words(t); }, &w1);
  const double icu = best_mbps(
      text, [](const std::string& t) { return text::count_words_icu(t); }, &w2);
  const double chars = best_mbps(
      text, [](const std::string& t) { return text::count_chars(t); }, &c);
  const double total = best_mbps(
      text, [](const std::string& t) { return text::count_text(t).words; }, &both);
  std::printf("%-12s %8.1f %12llu %12.1f %12.1f %12.1f %12.1f%s\n", name, text.size() / 1e6,
              static_cast<unsigned long long>(w1), hybrid, icu, chars, total, w1 == w2 ? "" : "  MISMATCH");
}

}  // namespace

// Usage: text_bench [MB per generated language, default 20] [text files…]
int main(int argc, char** argv) {
  using namespace epubtok;
  const size_t mb = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 20;
  (void)text::count_text("warm up ICU");
  std::printf("%-12s %8s %12s %12s %12s %12s %12s\n", "text", "MB", "words", "hybrid MB/s", "ICU MB/s", "chars MB/s",
              "count_text");
  for (const char* lang : {"en", "fr", "de", "ru", "vi", "zh", "ja", "th", "ar", "hi", "ko"})
    report(lang, test_support::generate_book(1, mb << 20, lang));
  report("en-zipf", test_support::generate_book_zipf(1, mb << 20, "en"));
  report("zh-zipf", test_support::generate_book_zipf(1, mb << 20, "zh"));
  for (int i = 2; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    // Repeat small files to at least 8 MB so the timing is meaningful.
    std::string text = ss.str(), big;
    while (!text.empty() && big.size() < (8u << 20)) big += text + "\n";
    const std::string name = std::filesystem::path(argv[i]).filename().string();
    report(name.c_str(), big);
  }
}
