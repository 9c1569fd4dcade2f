// Short instruction data from reference text, stand-ins for human
// instruction data (UltraChat in the paper), named as proxies:
//  - dictionary definitions (FOLDOC entries: a headword line, synonyms,
//    then the definition): "In computing, what is "X"?" -> the definition's
//    first paragraph, with FOLDOC's {cross-reference} braces and <category>
//    tags removed;
//  - FAQ entries (Perl FAQ: the question as the first paragraph, then the
//    answer): the question -> the answer.
#ifndef PROLONG_DATA_SFT_REFERENCE_CONVERSATIONS_H_
#define PROLONG_DATA_SFT_REFERENCE_CONVERSATIONS_H_

#include <vector>

#include "data/corpus/document.h"
#include "data/sft/conversation.h"

namespace prolong::data {

// Entries whose definition is shorter than `min_answer_chars` are skipped.
std::vector<Conversation> DefinitionConversations(const Corpus& corpus,
                                                  size_t min_answer_chars = 40);

// Entries without a question paragraph ending in '?' or without an answer
// are skipped.
std::vector<Conversation> FaqConversations(const Corpus& corpus);

}  // namespace prolong::data

#endif  // PROLONG_DATA_SFT_REFERENCE_CONVERSATIONS_H_
