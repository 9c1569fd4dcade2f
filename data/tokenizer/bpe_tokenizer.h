// A byte-level BPE tokenizer: training, encoding, decoding, and Hugging Face
// tokenizer.json files.
//
// Any byte string (invalid UTF-8 and NUL included) round-trips exactly:
// Decode(Encode(s)) == s. Text is first split into pre-tokens
// (pretokenizer.h), and each pre-token is encoded with the BPE merges.
// Special tokens are never produced by Encode; they are added by the caller
// by id. All methods are safe to call concurrently on a const tokenizer.

#ifndef PROLONG_DATA_TOKENIZER_BPE_TOKENIZER_H_
#define PROLONG_DATA_TOKENIZER_BPE_TOKENIZER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "data/tokenizer/added_token.h"
#include "data/tokenizer/bpe_model.h"
#include "data/tokenizer/word_cache.h"

namespace prolong::data {

class BpeTokenizer {
 public:
  // Trains on `texts` until the vocabulary (256 byte tokens + merges +
  // special tokens) has `vocab_size` entries. Deterministic for any thread
  // count. Ids: 0-255 are the bytes, then the learned tokens in training
  // order, then the special tokens "<|begin_of_text|>", "<|end_of_text|>",
  // "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>". If the texts
  // run out of pairs to merge first, the vocabulary is smaller than asked.
  // Throws std::invalid_argument if vocab_size < 261 or threads < 1.
  static BpeTokenizer Train(const std::vector<std::string_view>& texts,
                            int vocab_size, int threads);

  // Never emits special tokens.
  std::vector<int32_t> Encode(std::string_view text) const;
  // Exact inverse of Encode; special tokens decode to their text. Throws
  // std::out_of_range for an id that is not in the vocabulary.
  std::string Decode(const std::vector<int32_t>& ids) const;

  // One more than the largest id.
  int vocab_size() const;
  int32_t bos_id() const;  // "<|begin_of_text|>"
  int32_t eos_id() const;  // "<|end_of_text|>"
  // The id of an added token by its text, e.g. "<|start_header_id|>",
  // "<|end_header_id|>", "<|eot_id|>". Throws std::invalid_argument if there
  // is none.
  int32_t SpecialId(std::string_view name) const;

  // Hugging Face tokenizer.json (model.type "BPE", ByteLevel pre-tokenizer
  // and decoder, vocab + merges, added_tokens for specials), written
  // atomically (temporary file + rename). See tokenizer_json.h.
  void Save(const std::string& path) const;
  // Reads that format, and thus also the byte-level BPE tokenizer.json of
  // GPT-2 and Llama-3 style models (encoding then uses this project's
  // pre-tokenizer, which differs from Llama-3's on some text). Errors
  // (std::runtime_error) name the file and what is wrong.
  static BpeTokenizer Load(const std::string& path);

 private:
  // Throws std::invalid_argument if an added token's id is a model token
  // with other bytes, or two added tokens share an id or text.
  BpeTokenizer(BpeModel model, std::vector<AddedToken> added_tokens);

  BpeModel model_;
  std::vector<AddedToken> added_tokens_;
  // What each id decodes to; empty for ids that are not in the vocabulary.
  std::vector<std::string> pieces_;
  std::unordered_map<std::string, int32_t> added_ids_;  // By content.
  WordCache cache_;
};

}  // namespace prolong::data

#endif  // PROLONG_DATA_TOKENIZER_BPE_TOKENIZER_H_
