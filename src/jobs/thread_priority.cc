#include "jobs/thread_priority.h"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace epubtok::jobs {

std::optional<ThreadPriority> parse_thread_priority(std::string_view name) {
  if (name == "normal") return ThreadPriority::kNormal;
  if (name == "low") return ThreadPriority::kLow;
  if (name == "idle") return ThreadPriority::kIdle;
  return std::nullopt;
}

std::string_view thread_priority_name(ThreadPriority priority) {
  switch (priority) {
    case ThreadPriority::kNormal: return "normal";
    case ThreadPriority::kLow: return "low";
    case ThreadPriority::kIdle: return "idle";
  }
  return "normal";
}

Status lower_current_thread(ThreadPriority priority) {
  if (priority == ThreadPriority::kNormal) return Status();
  sched_param param{};
  param.sched_priority = 0;
  const int policy = priority == ThreadPriority::kIdle ? SCHED_IDLE : SCHED_BATCH;
  if (int rc = pthread_setschedparam(pthread_self(), policy, &param); rc != 0) {
    return Status(ErrorCode::kInternal,
                  std::string("cannot set the counting threads' scheduling policy: ") + std::strerror(rc));
  }
  // SCHED_BATCH keeps the nice value's weight; 19 is the smallest share.
  // With a thread id, setpriority() applies to that thread alone on Linux.
  if (priority == ThreadPriority::kLow && setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 19) != 0) {
    return Status(ErrorCode::kInternal,
                  std::string("cannot lower the counting threads' nice value: ") + std::strerror(errno));
  }
  return Status();
}

}  // namespace epubtok::jobs
