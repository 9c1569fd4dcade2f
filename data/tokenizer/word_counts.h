// Pre-token ("word") frequencies of a corpus, the input of BPE training.

#ifndef PROLONG_DATA_TOKENIZER_WORD_COUNTS_H_
#define PROLONG_DATA_TOKENIZER_WORD_COUNTS_H_

#include <cstdint>
#include <string_view>
#include <vector>

namespace prolong::data {

struct WordCount {
  std::string_view word;  // Points into the counted texts.
  int64_t count;
};

// Counts the pre-tokens of `texts` on `threads` threads (>= 1). The texts are
// cut into chunks at safe pre-token boundaries, each thread counts whole
// chunks, and the per-thread counts are summed; the result, sorted by word
// bytes, is the same for every thread count.
std::vector<WordCount> CountWords(const std::vector<std::string_view>& texts,
                                  int threads);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TOKENIZER_WORD_COUNTS_H_
