// Material for the RAG proxy ("rag_proxy", standing in for HELMET's KILT
// NQ / TriviaQA / PopQA): questions whose answer sits in one real passage,
// and the passage pool the distractors come from (rag.h picks them as BM25
// hard negatives that do not contain the answer).
//
// From Linux man pages (corpus //data/sources:linux_man_pages, parsed by
// man_page.h). Every page's DESCRIPTION is cut into passages of at most
// `passage_words` words (text_chunks.h), titled with the page's title
// ("kill(2)"), as KILT passages carry their article's title. A page gives
// one question when its NAME summary is not shared with another page and
// its first DESCRIPTION passage (the gold) contains one of its names as a
// whole word, case-insensitively:
//   question: Which function is described as "send signal to a process"?
//   answers:  the page's names ("kill"), answers[0] the first
//   gold:     Document (Title: kill(2)): The kill() system call can be ...
// The summary is the page's own one-line description, so the question is
// a paraphrase the model must match against the passages, as NQ's are.
#ifndef PROLONG_DATA_TASKS_RAG_QUESTIONS_H_
#define PROLONG_DATA_TASKS_RAG_QUESTIONS_H_

#include <vector>

#include "data/corpus/document.h"
#include "data/tasks/passage.h"
#include "data/tasks/rag.h"

namespace prolong::data {

struct RagMaterial {
  std::vector<RagQuestion> questions;  // in corpus order
  std::vector<Passage> pool;           // every page's passages, in order
};

// Throws std::invalid_argument when no question can be made (not a man
// page corpus) or passage_words < 1.
RagMaterial ManPageRagMaterial(const std::vector<Document>& man_pages,
                               int passage_words);

// True when `name` occurs in `text` case-insensitively with no letter,
// digit or '_' right before or after it.
bool ContainsWholeWord(const std::string& text, const std::string& name);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_RAG_QUESTIONS_H_
