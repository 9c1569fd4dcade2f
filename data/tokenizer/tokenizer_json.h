// Reads and writes Hugging Face tokenizer.json files of byte-level BPE
// tokenizers.
//
// Read: model.type "BPE" with model.vocab (byte-level token -> id) and
// model.merges ("a b" strings or ["a", "b"] pairs, in rank order),
// model.ignore_merges, and added_tokens (id, content, special). Other
// sections (normalizer, pre_tokenizer, post_processor, decoder) are not
// interpreted: encoding always uses this project's pre-tokenizer
// (pretokenizer.h), whatever the file says.
//
// Write: the same fields, with a pre-tokenizer that reproduces ours
// (Split on kPreTokenPattern, then ByteLevel without its own regex), a
// ByteLevel decoder and no post-processor, so the Hugging Face `tokenizers`
// library encodes valid UTF-8 text to the same ids.

#ifndef PROLONG_DATA_TOKENIZER_TOKENIZER_JSON_H_
#define PROLONG_DATA_TOKENIZER_TOKENIZER_JSON_H_

#include <cstdint>
#include <string>
#include <vector>

#include "data/tokenizer/added_token.h"
#include "data/tokenizer/bpe_model.h"

namespace prolong::data {

// Ids at or above this are rejected when reading.
inline constexpr int32_t kMaxTokenizerJsonId = int32_t{1} << 24;

struct TokenizerJson {
  BpeModel model;
  std::vector<AddedToken> added_tokens;
};

// Throws std::runtime_error whose message starts with "tokenizer file
// '<path>': " and says what is wrong (unreadable file, invalid or truncated
// JSON with its line and column, a missing or mistyped field with its JSON
// path, a merge whose parts are not in the vocabulary, ...).
TokenizerJson ReadTokenizerJson(const std::string& path);

// Writes atomically (temporary file + rename; see data/io/atomic_file.h).
void WriteTokenizerJson(const std::string& path, const BpeModel& model,
                        const std::vector<AddedToken>& added_tokens);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TOKENIZER_TOKENIZER_JSON_H_
