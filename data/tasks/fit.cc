#include "data/tasks/fit.h"

#include <algorithm>

namespace prolong::data {

int LargestFitting(int lo, int hi, int guess,
                   const std::function<bool(int)>& fits) {
  if (hi < lo) return lo - 1;
  guess = std::clamp(guess, lo, hi);
  // Bracket the answer: good fits, bad does not (bad = hi + 1 or lo - 1 mean
  // "unknown beyond the range").
  int good, bad;
  if (fits(guess)) {
    good = guess;
    bad = hi + 1;
    for (int step = 1; good < hi; step *= 2) {
      const int next = std::min(hi, guess + step);
      if (!fits(next)) {
        bad = next;
        break;
      }
      good = next;
    }
  } else {
    bad = guess;
    good = lo - 1;
    for (int step = 1; bad > lo; step *= 2) {
      const int next = std::max(lo, guess - step);
      if (fits(next)) {
        good = next;
        break;
      }
      bad = next;
    }
  }
  while (bad - good > 1) {
    const int mid = good + (bad - good) / 2;
    (fits(mid) ? good : bad) = mid;
  }
  return good;
}

}  // namespace prolong::data
