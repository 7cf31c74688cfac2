// fake-anthropic-server: FakeAnthropic (fake_anthropic.h) as a process, for
// tests driven from outside C++ (the browser end-to-end flow). Prints
// "listening on http://127.0.0.1:PORT" and serves until SIGTERM or SIGINT.
//   fake-anthropic-server [--delay-ms N]
#include <pthread.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include "support/fake_anthropic.h"

int main(int argc, char** argv) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // the server's threads inherit it

  epubtok::testing::FakeAnthropic fake;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--delay-ms") == 0) fake.set_delay(std::chrono::milliseconds(std::stol(argv[i + 1])));
  }
  std::printf("listening on %s\n", fake.base_url().c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  std::fprintf(stderr, "fake-anthropic-server: %zu requests\n", fake.request_count());
  return 0;
}
