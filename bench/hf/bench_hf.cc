// Throughput and load cost of the Hugging Face engine on its presets.
//
//   bench_hf text <file> <bytes>      write the benchmark text (generated
//                                     English book prose plus 10% other
//                                     languages, paragraphs split by "\n\n")
//   bench_hf run <preset> <file>      one JSON line: load seconds, peak RSS
//                                     after load, count() MB/s over the
//                                     text's paragraphs (single thread, best
//                                     of 3 passes; wall and thread-CPU time),
//                                     tokens
//   bench_hf profile <preset> <file> <passes>
//                                     count() the paragraphs <passes> times
//                                     (for perf record: counting dominates
//                                     the profile instead of loading)
//
// Presets are read from <data>/hf/<preset>/tokenizer.json. One preset per
// process, so the RSS figure is that preset's alone.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/data_dir.h"
#include "support/prose.h"
#include "tokenizers/hf/hf_tokenizer.h"

using namespace epubtok;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

long peak_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "text" && argc == 4) {
    size_t bytes = std::stoull(argv[3]);
    std::string text = test_support::generate_book(2024, bytes * 9 / 10, "en");
    for (const char* lang : {"fr", "de", "ru", "zh", "ja", "ar", "hi"}) {
      text += "\n\n" + test_support::generate_book(7, bytes / 70, lang);
    }
    std::ofstream(argv[2], std::ios::binary) << text;
    return 0;
  }
  if ((mode == "run" && argc == 4) || (mode == "profile" && argc == 5)) {
    std::string preset = argv[2];
    std::ifstream in(argv[3], std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    auto t0 = Clock::now();
    double c0 = cpu_seconds();
    auto tok = tokenizers::hf::HfTokenizer::from_file(data_dir() / "hf" / preset / "tokenizer.json",
                                                      tokenizers::TokenizerInfo{});
    double load_s = seconds_since(t0);
    double load_cpu = cpu_seconds() - c0;
    long rss = peak_rss_kb();
    if (!tok) {
      std::cerr << tok.status().to_string() << "\n";
      return 1;
    }
    // The reference is fed paragraphs (its fastest way); count the same
    // paragraphs so the totals must agree exactly.
    std::vector<std::string_view> paragraphs;
    for (size_t b = 0; b <= text.size();) {
      size_t e = text.find("\n\n", b);
      if (e == std::string::npos) e = text.size();
      paragraphs.push_back(std::string_view(text).substr(b, e - b));
      b = e + 2;
    }
    double best_wall = 1e30, best_cpu = 1e30;
    uint64_t tokens = 0;
    const int passes = mode == "profile" ? std::stoi(argv[4]) : 3;
    for (int pass = 0; pass < passes; ++pass) {
      auto t1 = Clock::now();
      double c1 = thread_cpu_seconds();
      tokens = 0;
      for (std::string_view p : paragraphs) tokens += (*tok)->count(p);
      best_cpu = std::min(best_cpu, thread_cpu_seconds() - c1);
      best_wall = std::min(best_wall, seconds_since(t1));
    }
    std::printf(
        "{\"preset\":\"%s\",\"bytes\":%zu,\"tokens\":%llu,\"load_s\":%.3f,\"load_cpu_s\":%.3f,\"rss_mb\":%.1f,"
        "\"mb_per_s\":%.1f,\"mb_per_cpu_s\":%.1f}\n",
        preset.c_str(), text.size(), static_cast<unsigned long long>(tokens), load_s, load_cpu, rss / 1024.0,
        text.size() / best_wall / 1e6, text.size() / best_cpu / 1e6);
    return 0;
  }
  std::cerr << "usage: bench_hf text <file> <bytes> | bench_hf run <preset> <file> | bench_hf profile <preset> <file> "
               "<passes>\n";
  return 2;
}
