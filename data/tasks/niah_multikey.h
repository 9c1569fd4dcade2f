// RULER's multi-key needle-in-a-haystack tasks, as HELMET runs them:
//   niah_multikey_2 (HELMET "MK Needle"): the haystack is distractor needles
//     "One of the special magic numbers for {adjective-noun} is: {7 digits}."
//     one per line; the gold needle sits at a uniformly random line.
//   niah_multikey_3 (HELMET "MK UUID"): the same with UUID keys and values
//     ("One of the special magic uuids for {uuid} is: {uuid}.").
// The haystack has as many lines as fit the target length (RULER grows it
// until prompt + generation reaches the length). The answer is the gold
// value; metric: RULER string_match_all.
#ifndef PROLONG_DATA_TASKS_NIAH_MULTIKEY_H_
#define PROLONG_DATA_TASKS_NIAH_MULTIKEY_H_

#include <cstdint>
#include <vector>

#include "data/tasks/eval_sample.h"

namespace prolong::data {

enum class NiahMultikeyKind {
  kWordKeysNumberValues,  // niah_multikey_2
  kUuids,                 // niah_multikey_3
};

struct NiahMultikeyOptions {
  NiahMultikeyKind kind;
  int target_tokens;      // prompt + generation budget
  int generation_tokens;  // reserved for the answer
  int num_samples;
  uint64_t seed;
};

// Sample i depends only on (options, i). depth_index is the gold line's
// decile (0..9) in the haystack. Throws if not even one line fits.
std::vector<EvalSample> GenerateNiahMultikey(const NiahMultikeyOptions& options,
                                             const TokenCounter& count_tokens);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_NIAH_MULTIKEY_H_
