#include "data/tasks/text_chunks.h"

#include <algorithm>
#include <stdexcept>

#include "data/tasks/sentences.h"

namespace prolong::data {

std::vector<std::string> SentenceChunks(std::string_view text, int max_words) {
  if (max_words < 1) throw std::invalid_argument("max_words must be >= 1");
  const size_t limit = static_cast<size_t>(max_words);
  std::vector<std::string> chunks;
  std::vector<std::string> current;
  auto flush = [&]() {
    if (!current.empty())
      chunks.push_back(JoinWords(current, 0, current.size()));
    current.clear();
  };
  for (const std::string& sentence : SplitSentences(text)) {
    const std::vector<std::string> words = SplitWords(sentence);
    if (current.size() + words.size() > limit) flush();
    for (size_t begin = 0; begin < words.size(); begin += limit) {
      const size_t end = std::min(words.size(), begin + limit);
      if (end - begin == limit) flush();
      current.insert(current.end(), words.begin() + begin, words.begin() + end);
      if (current.size() == limit) flush();
    }
  }
  flush();
  return chunks;
}

}  // namespace prolong::data
