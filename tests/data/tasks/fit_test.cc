#include "data/tasks/fit.h"

#include "gtest/gtest.h"

namespace prolong::data {
namespace {

TEST(LargestFittingTest, FindsTheThresholdFromAnyGuess) {
  for (const int threshold : {0, 1, 7, 100, 999, 1000}) {
    for (const int guess : {-5, 0, 1, 50, 99, 100, 101, 2000}) {
      const int n =
          LargestFitting(0, 1000, guess, [&](int k) { return k <= threshold; });
      EXPECT_EQ(n, threshold) << threshold << " from " << guess;
    }
  }
}

TEST(LargestFittingTest, NothingFits) {
  EXPECT_EQ(LargestFitting(1, 10, 5, [](int) { return false; }), 0);
  EXPECT_EQ(LargestFitting(3, 2, 5, [](int) { return true; }), 2);
}

TEST(LargestFittingTest, CloseGuessesAreCheap) {
  int calls = 0;
  const int n = LargestFitting(0, 1 << 20, 5000, [&](int k) {
    ++calls;
    return k <= 5002;
  });
  EXPECT_EQ(n, 5002);
  EXPECT_LE(calls, 5);
}

}  // namespace
}  // namespace prolong::data
