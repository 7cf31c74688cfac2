// Runs the real `epubtok` binary (EPUBTOK_BINARY) for the CLI tests.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace epubtok {

struct Outcome {
  int exit_code = -1;
  std::string out, err;
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs epubtok with `args` in `workdir`, stdin from `input` and `env` set
// on top of this process's environment (an empty value unsets), capturing
// stdout and stderr through files (no pipes to deadlock on). A process
// killed by a signal reports 128 + the signal number.
inline Outcome epubtok(const std::vector<std::string>& args, const std::filesystem::path& workdir,
                       const std::string& input = "", const std::map<std::string, std::string>& env = {}) {
  namespace fs = std::filesystem;
  fs::path out = workdir / ".stdout", err = workdir / ".stderr", in = workdir / ".stdin";
  std::ofstream(in, std::ios::binary) << input;
  pid_t pid = ::fork();
  if (pid == 0) {
    if (!freopen(in.c_str(), "rb", stdin) || !freopen(out.c_str(), "wb", stdout) || !freopen(err.c_str(), "wb", stderr))
      _exit(127);
    if (::chdir(workdir.c_str()) != 0) _exit(127);
    for (const auto& [name, value] : env) {
      if (value.empty()) {
        ::unsetenv(name.c_str());
      } else {
        ::setenv(name.c_str(), value.c_str(), 1);
      }
    }
    std::vector<char*> argv{const_cast<char*>(EPUBTOK_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(EPUBTOK_BINARY, argv.data());
    _exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  Outcome r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

}  // namespace epubtok
