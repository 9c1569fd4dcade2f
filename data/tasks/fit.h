// Sizing a prompt to a token budget: the largest item count whose prompt
// fits, found from a guess with few calls to the (expensive) fit test.
#ifndef PROLONG_DATA_TASKS_FIT_H_
#define PROLONG_DATA_TASKS_FIT_H_

#include <functional>

namespace prolong::data {

// The largest n in [lo, hi] with fits(n), assuming fits is monotone (true up
// to some n, false after); lo - 1 when not even fits(lo). Starts at `guess`
// (clamped to [lo, hi]) and gallops outwards, so a close guess costs
// O(log |error|) calls.
int LargestFitting(int lo, int hi, int guess,
                   const std::function<bool(int)>& fits);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_FIT_H_
