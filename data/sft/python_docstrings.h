// Short instruction data from real Python sources: for each documented
// function or class ("def name(args):" or "class Name(...):" followed by a
// docstring), the user asks what it does and the assistant answers with the
// docstring's first paragraph. A stand-in for short human instruction data
// (UltraChat in the paper), named as such in every table.
#ifndef PROLONG_DATA_SFT_PYTHON_DOCSTRINGS_H_
#define PROLONG_DATA_SFT_PYTHON_DOCSTRINGS_H_

#include <string>
#include <vector>

#include "data/corpus/document.h"
#include "data/sft/conversation.h"

namespace prolong::data {

// Conversations from every documented definition in the corpus's files
// (code-repository documents whose files are headed "# File: <path>").
// Answers shorter than `min_answer_chars` are skipped.
std::vector<Conversation> DocstringConversations(const Corpus& corpus,
                                                 size_t min_answer_chars = 40);

}  // namespace prolong::data

#endif  // PROLONG_DATA_SFT_PYTHON_DOCSTRINGS_H_
