#include "core/cpu_budget.h"

#include <sched.h>

#include <gtest/gtest.h>

namespace epubtok {
namespace {

TEST(CpuBudget, ParsesCgroupCpuMax) {
  EXPECT_EQ(cpu_max_limit("max 100000"), std::nullopt);
  EXPECT_EQ(cpu_max_limit("100000 100000"), 1);
  EXPECT_EQ(cpu_max_limit("150000 100000"), 2);  // 1.5 CPUs: round up, never starve
  EXPECT_EQ(cpu_max_limit("50000 100000"), 1);
  EXPECT_EQ(cpu_max_limit("400000 100000\n"), 4);
  EXPECT_EQ(cpu_max_limit(""), std::nullopt);
  EXPECT_EQ(cpu_max_limit("x 100000"), std::nullopt);
  EXPECT_EQ(cpu_max_limit("100000 0"), std::nullopt);
}

TEST(CpuBudget, FollowsTheAffinityMask) {
  cpu_set_t original;
  ASSERT_EQ(sched_getaffinity(0, sizeof original, &original), 0);
  int first = -1;
  for (int c = 0; c < CPU_SETSIZE && first < 0; ++c) {
    if (CPU_ISSET(c, &original)) first = c;
  }
  ASSERT_GE(first, 0);
  EXPECT_LE(available_cpus(), CPU_COUNT(&original));
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
  int with_one = available_cpus();
  ASSERT_EQ(sched_setaffinity(0, sizeof original, &original), 0);
  EXPECT_EQ(with_one, 1);
}

}  // namespace
}  // namespace epubtok
