// The Llama-3 chat format (the paper's SFT presumably used it; the brief
// marks this UNSURE), with the loss mask of SFT: only assistant replies
// (and the <|eot_id|> that ends each) are targets.
//
//   <|begin_of_text|>
//   <|start_header_id|>user<|end_header_id|>\n\n{content}<|eot_id|>
//   <|start_header_id|>assistant<|end_header_id|>\n\n{content}<|eot_id|>
//   ...
#ifndef PROLONG_DATA_SFT_CHAT_TEMPLATE_H_
#define PROLONG_DATA_SFT_CHAT_TEMPLATE_H_

#include <cstdint>
#include <vector>

#include "data/sft/conversation.h"
#include "data/tokenizer/bpe_tokenizer.h"

namespace prolong::data {

struct TokenizedChat {
  std::vector<int32_t> tokens;
  std::vector<uint8_t> loss_mask;  // 1 = an assistant token (a target)
};

// Throws std::invalid_argument for a role other than user/assistant or a
// conversation without an assistant turn.
TokenizedChat EncodeChat(const Conversation& conversation,
                         const BpeTokenizer& tokenizer);

}  // namespace prolong::data

#endif  // PROLONG_DATA_SFT_CHAT_TEMPLATE_H_
