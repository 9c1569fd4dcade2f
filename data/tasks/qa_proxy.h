// A long-document QA proxy for NarrativeQA (whose GPT-4o-judged metric we
// cannot run): cloze questions over one long real document. Each question
// is a sentence of the (truncated) document with one salient word blanked
// out, "Fill in the blank: ... ____ ...", and the answer is that word.
// Sentences end at '.', '!' or '?' ending a word, and at paragraph breaks
// (blank lines, so a heading is not read into the next sentence).
// Salient: not the sentence's first word; after stripping surrounding
// punctuation at least 3 characters, only letters, digits, '-' and '\''
// (no code, no URLs), containing a digit or starting with an upper-case
// letter, and occurring at most kMaxAnswerOccurrences times in the whole
// document (so the answer is not the book's topic word, e.g. "Perl", that
// a model could guess without reading); the longest such word (the first
// among equals) is blanked. Questions sit at evenly spaced depths of the kept
// document (the qualifying sentence starting nearest to depth (i + 0.5) /
// samples, each sentence used once). The document is truncated (HELMET style,
// by words) to fit the target length with the question.
//
// Prompt (NarrativeQA's, adapted):
//   You are given a document and a question. Answer the question as
//   concisely as you can, using a single phrase if possible.\n\n{document}
//   \n\nQuestion: Fill in the blank: {cloze}\nAnswer:
// Metric: SubEM (task name "qa_proxy").
#ifndef PROLONG_DATA_TASKS_QA_PROXY_H_
#define PROLONG_DATA_TASKS_QA_PROXY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "data/tasks/eval_sample.h"

namespace prolong::data {

constexpr int kMaxAnswerOccurrences = 2;

struct QaProxyOptions {
  int target_tokens;      // prompt + generation budget
  int generation_tokens;  // reserved for the answer
  int num_samples;        // fewer when the document has fewer sentences
};

// depth_index is the question's decile (0..9) in the kept document. Fewer
// samples when the kept document has fewer qualifying sentences; none when
// it has none (the caller may try another document).
std::vector<EvalSample> GenerateQaProxy(const QaProxyOptions& options,
                                        const std::string& document,
                                        const TokenCounter& count_tokens);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_QA_PROXY_H_
