// A token outside the BPE model, matched by its whole text (Hugging Face's
// "added_tokens"), such as "<|begin_of_text|>".

#ifndef PROLONG_DATA_TOKENIZER_ADDED_TOKEN_H_
#define PROLONG_DATA_TOKENIZER_ADDED_TOKEN_H_

#include <cstdint>
#include <string>

namespace prolong::data {

struct AddedToken {
  int32_t id;
  std::string content;  // The text it decodes to.
  bool special;         // Hugging Face's "special" flag.
};

}  // namespace prolong::data

#endif  // PROLONG_DATA_TOKENIZER_ADDED_TOKEN_H_
