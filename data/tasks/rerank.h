// HELMET's passage re-ranking (data.py load_msmarco_rerank; MS MARCO /
// TREC DL): a query and k passages with graded relevance 0-3, chosen
// balanced across grades (round robin over the grades, random within each),
// shown in 3 random permutations (one sample each). Passages get random
// distinct integer IDs. k is as large as fits the target length.
//
// Prompt (HELMET, including its "relelvant" typo):
//   You are provided with a list of documents, each indicated by their ID.
//   Rank each document based on their relevance to the question in
//   descending order from most relelvant to least relevant texts. Include
//   all documents in the rankings. Write your answer using the unique IDs,
//   with the following format:\nRanking: ID3 > ID1 > ID2\n\n{demos}
//   {passages}\n\nQuery: {query}\nRanking:
// with passages "[ID: {id}] Document (Title: {title}): {text}" ("[ID: {id}]
// Document: {text}" without a title) joined by "\n\n", and `shots` demos
// "{passages}\n\nQuery: {q}\nRanking: {ids by grade, descending}\n\n" from
// other queries with `demo_passages` passages. The sample's qrels are the
// in-context passages' grades and its answer the gold ranking; metric:
// NDCG@10.
#ifndef PROLONG_DATA_TASKS_RERANK_H_
#define PROLONG_DATA_TASKS_RERANK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "data/tasks/eval_sample.h"

namespace prolong::data {

constexpr int kRerankPermutations = 3;

struct GradedPassage {
  std::string title;  // may be empty
  std::string text;
  int relevance;  // 0..3
};

struct RerankQuery {
  std::string query;
  std::vector<GradedPassage> passages;
};

struct RerankOptions {
  int target_tokens;      // prompt + generation budget
  int generation_tokens;  // reserved for the answer
  int num_samples;        // rounded up to whole queries of 3 permutations
  int shots = 2;
  int demo_passages = 10;
  uint64_t seed;
};

// Queries are taken in a seeded random order; depth_index is the
// permutation (0..2). Throws when there are fewer than shots + 1 queries,
// or when one passage does not fit.
std::vector<EvalSample> GenerateRerank(const RerankOptions& options,
                                       const std::vector<RerankQuery>& queries,
                                       const TokenCounter& count_tokens);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_RERANK_H_
