// HELMET's many-shot in-context classification (data.py load_icl with
// "balance"): the labels are mapped to a random permutation of the integers
// 0..n-1, seeded per test item by its text and the seed, so the model must
// learn the mapping from the demonstrations. Demonstrations come in
// class-balanced rounds (each round holds one example of every label, in
// shuffled order); the rounds are the same for every test item (HELMET
// seeds them with the global seed) and are cut after as many
// demonstrations as fit the target length. Test items are label-balanced.
//
// Prompt (HELMET):
//   Use the provided mapping from the text to label to assign a label to
//   the text. Only output "label: {label}" and nothing else. \n\n{demos}
//   \n\n{text}\nlabel:
// with demos "{text}\nlabel: {int}" joined by "\n\n". The answer is the
// test item's integer label; metric: exact match after parse_output with
// prefix "label:".
#ifndef PROLONG_DATA_TASKS_ICL_H_
#define PROLONG_DATA_TASKS_ICL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "data/tasks/eval_sample.h"

namespace prolong::data {

struct LabelledText {
  std::string text;
  std::string label;
};

struct IclOptions {
  int target_tokens;      // prompt + generation budget
  int generation_tokens;  // reserved for the answer
  int num_samples;        // at most the data set size minus one per label
  uint64_t seed;
};

// Splits `dataset` into label-balanced test items (round robin over the
// labels; at least one example of every label stays for the
// demonstrations) and a demonstration pool (the rest). Labels are numbered
// in sorted order before the per-item permutation. Throws with fewer than 2
// labels or when no demonstration fits.
std::vector<EvalSample> GenerateIcl(const IclOptions& options,
                                    const std::vector<LabelledText>& dataset,
                                    const TokenCounter& count_tokens);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_ICL_H_
