// How many CPUs this process may really use: the default worker count for
// `count -j` and the job server. std::thread::hardware_concurrency() counts
// the machine's CPUs, which oversubscribes a task that a scheduler (Slurm
// --cpus-per-task, taskset, a container's CPU quota) gave only a few.
#pragma once

#include <optional>
#include <string>

namespace epubtok {

// The CPUs in this thread's affinity mask (sched_getaffinity), lowered to
// the cgroup v2 CPU quota when one is set (cpu.max "QUOTA PERIOD" of this
// process's cgroup and each ancestor, rounded up to whole CPUs). At least 1.
int available_cpus();

// ceil(quota / period) for one cpu.max text ("max 100000" → nullopt,
// "150000 100000" → 2). nullopt for "max" and for anything unparsable.
std::optional<int> cpu_max_limit(const std::string& cpu_max);

}  // namespace epubtok
