// Synthetic long instruction data in the paper's shape (A16: 40% QA, 30%
// RAG, 30% summarisation), made mechanically from long documents. The paper
// had Llama-3-8B-Instruct write questions and recursive summaries of books;
// with no generator model this is a named proxy:
//  - QA: a window of a long document and a cloze question about one of its
//    lines (cloze_line.h); the answer is that line's blanked word, so it is
//    a span of the window, and the blanked line fits one place of it only.
//  - RAG: passages (runs of lines of about 512 bytes) of one document, the
//    gold one holding a cloze line and the rest random passages of the same
//    document, as the paper's random chunks standing in for retrieved ones;
//    the gold sits at a random position, and the answer as in QA.
//  - Summarisation: a section of the document with its lead paragraph
//    removed, followed by the text after it; the answer is the lead
//    (document_sections.h), which the context no longer holds.
// Prompts follow the paper's Table 17: a random instruction from a few
// phrasings and a random template (question after the context, after it
// between "==== document starts/ends ====" markers, or before it).
//
// Every conversation fills as much of `max_tokens` as whole lines (QA,
// summarisation) or whole passages (RAG) allow, never more. Documents are
// drawn uniformly among those of at least 4 bytes per budget token (all
// when none is that long). Everything is a pure function of the documents,
// the options and the token counter, for any number of threads.
#ifndef PROLONG_DATA_SFT_SYNTHETIC_LONG_H_
#define PROLONG_DATA_SFT_SYNTHETIC_LONG_H_

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "data/corpus/document.h"
#include "data/sft/conversation.h"

namespace prolong::data {

enum class SyntheticKind { kQa = 0, kRag = 1, kSummary = 2 };

// The paper's mix in percent, in SyntheticKind order.
inline constexpr std::array<int, 3> kSyntheticKindPercent = {40, 30, 30};

struct SyntheticLongOptions {
  int num_conversations = 0;
  int max_tokens = 0;  // the SFT sequence length
  uint64_t seed = 0;
  int threads = 1;
};

struct SyntheticConversation {
  SyntheticKind kind;
  std::string document;       // name of the source document
  std::string context;        // the document text shown (RAG: the passages)
  std::string answer;         // the assistant's reply
  Conversation conversation;  // {user: prompt, assistant: answer}
};

// Tokens of a conversation as trained on (for SFT data: EncodeChat's
// tokens). Called concurrently when threads > 1.
using ConversationTokens = std::function<int(const Conversation&)>;

// Conversations of each kind: kSyntheticKindPercent of `total`, apportioned
// by largest remainder (ties to the earlier kind); they sum to `total`.
std::array<int, 3> SyntheticKindCounts(int total);

// options.num_conversations conversations, SyntheticKindCounts of them of
// each kind, in a seeded random order. Throws std::invalid_argument for
// non-positive sizes or no documents, and std::runtime_error when a
// conversation of some kind cannot be made (no qualifying line or lead, or
// nothing fits the budget) after many tries.
std::vector<SyntheticConversation> SyntheticLongConversations(
    const std::vector<Document>& documents, const SyntheticLongOptions& options,
    const ConversationTokens& count_tokens);

}  // namespace prolong::data

#endif  // PROLONG_DATA_SFT_SYNTHETIC_LONG_H_
