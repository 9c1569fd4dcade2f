// Multiple-choice tasks built from real held-out text, scored lm-eval-harness
// style by the log-likelihood of each choice after the context
// (experiments/eval/multiple_choice.h). Four choices, one gold; every choice
// starts with a space so it is tokenized as a continuation of the context.
//
//  - Continuation (HellaSwag-like): the context is up to three consecutive
//    sentences of a document, the gold is the sentence that follows, and the
//    three distractors are sentences of other documents of the same domain.
//  - Definition (MMLU-like recall of knowledge): the context is
//    "Term: <headword>\nDefinition:", the gold the first sentence of the
//    entry's definition in a FOLDOC dictd entry, the distractors first
//    sentences of other entries' definitions.
//
// Distractors are drawn uniformly from sentences in the gold's byte-length
// bucket (buckets grow by half: 8-11, 12-17, 18-26, ... bytes), so the
// choices are alike in length and none stands out: a length heuristic
// (shortest, longest, median choice) scores chance. Sentences are
// whitespace-normalised and kept only with 4 to 40 words, at most 200
// bytes (a choice fits a 256-token window with room for context) and a
// letter; a sample whose bucket has too few sentences of other documents
// is skipped.
//
// Every sample is a pure function of the documents and the seed; samples
// are distinct (document, sentence) pairs.
#ifndef PROLONG_DATA_TASKS_MULTIPLE_CHOICE_H_
#define PROLONG_DATA_TASKS_MULTIPLE_CHOICE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "data/corpus/document.h"

namespace prolong::data {

inline constexpr int kMultipleChoices = 4;

struct MultipleChoiceSample {
  std::string context;
  std::vector<std::string> choices;  // kMultipleChoices, each " ..."
  int gold = 0;                      // index into choices
  std::string source;                // name of the gold's document
};

// Up to `num_samples` continuation samples from `documents` (one domain).
// Fewer when the documents hold fewer usable positions. Throws
// std::invalid_argument when fewer than two documents have a usable
// sentence (no distractor could come from another document).
std::vector<MultipleChoiceSample> ContinuationChoices(
    const std::vector<Document>& documents, int num_samples, uint64_t seed);

// Up to `num_samples` definition samples from FOLDOC entries (the dictd
// reader's documents: headword lines, a blank line, then the definition,
// which starts with a "<category>" tag; "{links}" lose their braces).
// Throws std::invalid_argument when fewer than kMultipleChoices entries
// have a usable definition.
std::vector<MultipleChoiceSample> DefinitionChoices(
    const std::vector<Document>& entries, int num_samples, uint64_t seed);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_MULTIPLE_CHOICE_H_
