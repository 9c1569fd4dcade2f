// HELMET's retrieval-augmented QA (data.py load_qa; KILT NQ/TriviaQA/PopQA
// with "dep6"): a question, its gold passage and k - 1 distractors, the gold
// placed at 6 evenly spaced depths (one sample per depth). Distractors are
// hard negatives: the passages of the caller's pool that do not contain any
// answer (case-insensitive substring, HELMET's "has_answer" stand-in),
// ranked by BM25 with the question (HELMET ranks with a dense retriever).
// k is as large as fits the target length.
//
// Prompt (HELMET):
//   Use the given documents to write a concise and short answer to the
//   question. Write your answer in the following format:\nAnswer:
//   [answer]\n\n{demos}{passages}\n\nQuestion: {question}\nAnswer:
// with passages "Document (Title: {title}): {text}" joined by "\n\n", and
// `shots` demos "{passages}\n\nQuestion: {q}\nAnswer: {answers[0]}\n\n",
// each from another question with its gold and its top distractors
// (`demo_passages` in all, shuffled). Metric: SubEM.
#ifndef PROLONG_DATA_TASKS_RAG_H_
#define PROLONG_DATA_TASKS_RAG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "data/tasks/eval_sample.h"
#include "data/tasks/passage.h"

namespace prolong::data {

constexpr int kRagDepths = 6;

struct RagQuestion {
  std::string question;
  std::vector<std::string> answers;  // answers[0] is shown in demos
  Passage gold;                      // contains an answer
};

struct RagOptions {
  int target_tokens;      // prompt + generation budget
  int generation_tokens;  // reserved for the answer
  int num_samples;        // rounded up to whole questions of 6 depths
  int shots = 2;
  int demo_passages = 3;  // HELMET's demos use k = 3 passages
  uint64_t seed;
};

// The gold's index among k passages at depth d of kRagDepths.
int RagGoldPosition(int depth_index, int passages);

// Questions are taken in a seeded random order; demos are other questions.
// Samples come per question, depths 0..5. Throws when there are fewer than
// shots + 1 questions, or when the prompt with only the gold does not fit.
std::vector<EvalSample> GenerateRag(const RagOptions& options,
                                    const std::vector<RagQuestion>& questions,
                                    const std::vector<Passage>& pool,
                                    const TokenCounter& count_tokens);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_RAG_H_
