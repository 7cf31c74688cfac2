// ThreadPriority: how much CPU the counting threads may take from the rest
// of the server.
//
// A job's books are batch work; HTTP requests and SSE deliveries are
// latency-sensitive. On a machine with few cores the counting threads,
// left at the default priority, share the CPU equally with the I/O threads
// and delay them by whole scheduler slices. Linux applies a scheduling
// policy and a nice value per thread, and threads inherit them from the
// thread that creates them, so lowering the thread that calls into the
// counting engine lowers every worker it starts, without the engine knowing.
#pragma once

#include <optional>
#include <string_view>

#include "core/status.h"

namespace epubtok::jobs {

enum class ThreadPriority {
  kNormal,  // unchanged: the creating thread's policy and nice value
  kLow,     // SCHED_BATCH at nice 19: a small share, no wake-up preemption
  kIdle,    // SCHED_IDLE: runs only when no normal thread wants the CPU
};

// "normal", "low" or "idle"; nullopt for anything else.
std::optional<ThreadPriority> parse_thread_priority(std::string_view name);
std::string_view thread_priority_name(ThreadPriority priority);

// Applies `priority` to the calling thread only (Linux semantics: other
// threads of the process keep theirs; threads it creates later inherit
// it). Lowering needs no privilege, raising back does, so call it on a
// thread that stays low. kNormal does nothing. INTERNAL with the errno
// text when the kernel refuses. Thread-safe.
Status lower_current_thread(ThreadPriority priority);

}  // namespace epubtok::jobs
