#include "experiments/training/lr_schedule.h"

#include <gtest/gtest.h>

namespace prolong::training {
namespace {

TEST(LrSchedule, WarmupThenCosineToTenPercent) {
  // ProLong's 64K stage: 5000 steps, 10% warmup, cosine to 10% of 1e-5.
  const LrSchedule s = LrSchedule::Make(1e-5, 0.1, 0.1, 5000);
  EXPECT_EQ(s.warmup_steps, 500);
  EXPECT_DOUBLE_EQ(s.At(0), 0.0);  // HF's warmup starts at 0
  EXPECT_DOUBLE_EQ(s.At(250), 0.5e-5);
  EXPECT_DOUBLE_EQ(s.At(500), 1e-5);
  EXPECT_NEAR(s.At(2750), 1e-5 * (0.1 + 0.9 * 0.5), 1e-18);
  EXPECT_NEAR(s.At(5000), 1e-6, 1e-18);
  for (int step = 501; step <= 5000; ++step) {
    EXPECT_LE(s.At(step), s.At(step - 1));
  }
}

TEST(LrSchedule, NoWarmup) {
  const LrSchedule s = LrSchedule::Make(2.0, 0.1, 0.0, 10);
  EXPECT_EQ(s.warmup_steps, 0);
  EXPECT_DOUBLE_EQ(s.At(0), 2.0);
}

TEST(LrSchedule, WarmupRoundsUp) {
  EXPECT_EQ(LrSchedule::Make(1.0, 0.1, 0.1, 25).warmup_steps, 3);
  EXPECT_EQ(LrSchedule::Make(1.0, 0.1, 0.05, 250).warmup_steps, 13);
}

}  // namespace
}  // namespace prolong::training
