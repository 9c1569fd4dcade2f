// HELMET's JSON KV recall task (from "Lost in the Middle", Liu et al. 2024):
// a JSON object of random UUID4 -> UUID4 pairs, and a query for the value of
// one key. For each object, six queries ask for keys at six evenly spaced
// positions (HELMET's "dep6"). The object is sized so that the prompt plus
// the generation budget fits the target length in the evaluated model's own
// tokens (HELMET truncates inputs to length - generation_max_length).
//
// Prompt (HELMET data.py, with lost-in-the-middle's JSON layout):
//   JSON data:\n{"k1": "v1",\n "k2": "v2",\n ... "kN": "vN"}
//   \n\nExtract the value corresponding to the specified key in the JSON
//   object below.\n\n{demos}Key: "{key}"\nCorresponding value:
// with demos "Key: "{k}"\nCorresponding value: {v}\n\n" for `shots` other
// keys of the same object.
#ifndef PROLONG_DATA_TASKS_JSON_KV_H_
#define PROLONG_DATA_TASKS_JSON_KV_H_

#include <cstdint>
#include <string>
#include <vector>

#include "data/rng.h"
#include "data/tasks/eval_sample.h"
#include "data/tasks/uuid.h"

namespace prolong::data {

constexpr int kJsonKvDepths = 6;

struct JsonKvOptions {
  int target_tokens;      // prompt + generation budget
  int generation_tokens;  // reserved for the answer
  int shots = 2;
  int num_samples;  // rounded up to whole objects of 6 queries
  uint64_t seed;
};

// Samples in object order, depths 0..5 within each object. Throws if not
// even the smallest object fits the target.
std::vector<EvalSample> GenerateJsonKv(const JsonKvOptions& options,
                                       const TokenCounter& count_tokens);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_JSON_KV_H_
