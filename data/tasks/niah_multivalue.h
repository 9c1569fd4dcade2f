// RULER's niah_multivalue (HELMET "MV"): one word key with 4 random 7-digit
// values, as 4 needles "One of the special magic numbers for {key} is:
// {value}." inserted into a prose haystack (RULER: Paul Graham essays; here
// the caller's text). As in RULER's niah.py, the haystack's first n words
// are split into sentences, 4 distinct depths are drawn from
// DEPTHS = round(linspace(0, 100, 40)), and the needles (in random order)
// go before sentence int(sentences * depth / 100), everything joined by
// spaces. The text repeats from its start when more words are needed. The
// word count n is the largest that fits the target length. Answers: the 4
// values; metric: RULER string_match_all.
// With num_values = 1 it is RULER's niah_single_2 (one needle in essays,
// word key, 7-digit value: the classic needle-in-a-haystack test, "NIAH" in
// the paper's Table 1), asked with the single-value prompt; depth_index is
// then the needle's depth decile (0..9).
#ifndef PROLONG_DATA_TASKS_NIAH_MULTIVALUE_H_
#define PROLONG_DATA_TASKS_NIAH_MULTIVALUE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "data/tasks/eval_sample.h"

namespace prolong::data {

constexpr int kNiahValues = 4;
constexpr int kNiahDepths = 40;

struct NiahMultivalueOptions {
  int target_tokens;      // prompt + generation budget
  int generation_tokens;  // reserved for the answer
  int num_samples;
  uint64_t seed;
  int num_values = kNiahValues;  // 1: niah_single_2
};

// RULER's DEPTHS: round(linspace(0, 100, 40)) as percentages.
std::vector<int> NiahDepthPercents();

// Sample i depends only on (options, haystack, i). Throws if the haystack
// has no words or the needles alone do not fit.
std::vector<EvalSample> GenerateNiahMultivalue(
    const NiahMultivalueOptions& options, const std::string& haystack,
    const TokenCounter& count_tokens);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_NIAH_MULTIVALUE_H_
