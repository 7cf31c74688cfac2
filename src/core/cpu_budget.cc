#include "core/cpu_budget.h"

#include <sched.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

namespace epubtok {
namespace {

int affinity_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// This process's cgroup v2 path, from the "0::/path" line of /proc/self/cgroup.
std::optional<std::string> cgroup_v2_path() {
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("0::", 0) == 0) return line.substr(3);
  }
  return std::nullopt;
}

// The tightest cpu.max quota from the process's cgroup up to the root.
std::optional<int> cgroup_quota_cpus() {
  auto path = cgroup_v2_path();
  if (!path) return std::nullopt;
  std::optional<int> tightest;
  std::string dir = *path;
  for (;;) {
    std::ifstream in("/sys/fs/cgroup" + (dir == "/" ? std::string() : dir) + "/cpu.max");
    std::string text;
    if (in && std::getline(in, text)) {
      if (auto limit = cpu_max_limit(text); limit && (!tightest || *limit < *tightest)) tightest = limit;
    }
    if (dir.empty() || dir == "/") break;
    size_t slash = dir.find_last_of('/');
    dir = slash == 0 || slash == std::string::npos ? "/" : dir.substr(0, slash);
  }
  return tightest;
}

}  // namespace

std::optional<int> cpu_max_limit(const std::string& cpu_max) {
  std::istringstream in(cpu_max);
  std::string quota_text;
  long long period = 0;
  if (!(in >> quota_text >> period) || quota_text == "max" || period <= 0) return std::nullopt;
  long long quota = 0;
  try {
    size_t used = 0;
    quota = std::stoll(quota_text, &used);
    if (used != quota_text.size() || quota <= 0) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return static_cast<int>(std::max<long long>(1, (quota + period - 1) / period));
}

int available_cpus() {
  int cpus = affinity_cpus();
  if (auto quota = cgroup_quota_cpus()) cpus = std::min(cpus, *quota);
  return std::max(1, cpus);
}

}  // namespace epubtok
