// BPE training: learns merges from pre-token frequencies.

#ifndef PROLONG_DATA_TOKENIZER_BPE_TRAINER_H_
#define PROLONG_DATA_TOKENIZER_BPE_TRAINER_H_

#include <string>
#include <vector>

#include "data/tokenizer/bpe_model.h"
#include "data/tokenizer/word_counts.h"

namespace prolong::data {

struct LearnedBpe {
  std::vector<std::string> tokens;  // tokens[b] is byte b for b < 256.
  std::vector<Merge> merges;        // In the order learned (= rank order).
};

// Starting from the 256 byte tokens, repeatedly merges the adjacent pair of
// tokens that occurs most often in `words` (weighted by count; ties go to the
// lowest (left id, right id)), until there are `num_tokens` tokens or no pair
// is left. A merge whose bytes equal an existing token's reuses that token,
// so there can be more merges than new tokens. Pair counts are updated
// incrementally: each merge only revisits the words that contain its pair.
// The result depends only on the multiset of words and counts.
LearnedBpe LearnBpe(const std::vector<WordCount>& words, int num_tokens);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TOKENIZER_BPE_TRAINER_H_
