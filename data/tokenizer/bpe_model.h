// A byte-level BPE model: token byte strings and ranked merges, and the
// encoding of one pre-token with them.

#ifndef PROLONG_DATA_TOKENIZER_BPE_MODEL_H_
#define PROLONG_DATA_TOKENIZER_BPE_MODEL_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace prolong::data {

// Merging adjacent tokens `left` and `right` gives token `merged`.
struct Merge {
  int32_t left;
  int32_t right;
  int32_t merged;
};

class BpeModel {
 public:
  // tokens[id] holds the bytes of token `id`; an empty string marks an id
  // the model does not use (such as an added token's). Every single byte must
  // be a token, tokens must be distinct, merges are in rank order (first =
  // applied first) with tokens[left] + tokens[right] == tokens[merged], and
  // no pair may be merged twice. With `ignore_merges` (as Hugging Face's
  // option), a pre-token that is itself a token is encoded as that token.
  // Throws std::invalid_argument naming the first violation.
  BpeModel(std::vector<std::string> tokens, std::vector<Merge> merges,
           bool ignore_merges);

  // Appends the tokens of `word`: starting from its bytes, repeatedly merges
  // the adjacent pair with the lowest rank (the leftmost among equals).
  void EncodeWord(std::string_view word, std::vector<int32_t>* ids) const;

  int32_t ByteId(unsigned char byte) const { return byte_ids_[byte]; }
  const std::vector<std::string>& tokens() const { return tokens_; }
  const std::vector<Merge>& merges() const { return merges_; }
  bool ignore_merges() const { return ignore_merges_; }

 private:
  struct RankedMerge {
    int32_t rank;
    int32_t merged;
  };

  static uint64_t PairKey(int32_t left, int32_t right) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) |
           static_cast<uint32_t>(right);
  }
  // The merge of (left, right), or nullptr.
  const RankedMerge* FindMerge(int32_t left, int32_t right) const;

  std::vector<std::string> tokens_;
  std::vector<Merge> merges_;
  bool ignore_merges_;
  std::array<int32_t, 256> byte_ids_;
  std::unordered_map<std::string, int32_t> token_ids_;
  std::unordered_map<uint64_t, RankedMerge> merge_index_;
};

}  // namespace prolong::data

#endif  // PROLONG_DATA_TOKENIZER_BPE_MODEL_H_
