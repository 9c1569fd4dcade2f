// A simple English sentence splitter (a stand-in for nltk's sent_tokenize,
// which RULER uses): a sentence ends at '.', '!' or '?', plus any closing
// quotes or brackets right after it, when whitespace or the end of the text
// follows.
#ifndef PROLONG_DATA_TASKS_SENTENCES_H_
#define PROLONG_DATA_TASKS_SENTENCES_H_

#include <string>
#include <string_view>
#include <vector>

namespace prolong::data {

// The sentences of `text`, trimmed of surrounding whitespace; text after the
// last terminator is a final sentence. Empty sentences are dropped.
std::vector<std::string> SplitSentences(std::string_view text);

// The whitespace-separated words of `text`.
std::vector<std::string> SplitWords(std::string_view text);

// `words` joined by single spaces.
std::string JoinWords(const std::vector<std::string>& words, size_t begin,
                      size_t end);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_SENTENCES_H_
