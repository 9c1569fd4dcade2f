// Retrieval passages cut from running text, the way KILT cuts Wikipedia
// into 100-word passages, but on sentence boundaries: whole sentences
// (data/tasks/sentences.h) are packed into a passage while it stays within
// `max_words`; a sentence longer than that is cut into `max_words`-word
// pieces. Whitespace inside a passage is collapsed to single spaces.
#ifndef PROLONG_DATA_TASKS_TEXT_CHUNKS_H_
#define PROLONG_DATA_TASKS_TEXT_CHUNKS_H_

#include <string>
#include <string_view>
#include <vector>

namespace prolong::data {

// The passages of `text`, in order; none when it has no words. Throws
// std::invalid_argument when max_words < 1.
std::vector<std::string> SentenceChunks(std::string_view text, int max_words);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_TEXT_CHUNKS_H_
