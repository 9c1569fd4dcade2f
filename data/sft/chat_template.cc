#include "data/sft/chat_template.h"

#include <stdexcept>

namespace prolong::data {

TokenizedChat EncodeChat(const Conversation& conversation,
                         const BpeTokenizer& tokenizer) {
  const int32_t start_header = tokenizer.SpecialId("<|start_header_id|>");
  const int32_t end_header = tokenizer.SpecialId("<|end_header_id|>");
  const int32_t end_of_turn = tokenizer.SpecialId("<|eot_id|>");
  TokenizedChat chat;
  auto append = [&chat](const std::vector<int32_t>& tokens, uint8_t mask) {
    chat.tokens.insert(chat.tokens.end(), tokens.begin(), tokens.end());
    chat.loss_mask.insert(chat.loss_mask.end(), tokens.size(), mask);
  };
  append({tokenizer.bos_id()}, 0);
  bool has_reply = false;
  for (const ChatTurn& turn : conversation) {
    if (turn.role != "user" && turn.role != "assistant") {
      throw std::invalid_argument("chat turn with unknown role \"" + turn.role +
                                  "\"");
    }
    const bool reply = turn.role == "assistant";
    has_reply |= reply;
    append({start_header}, 0);
    append(tokenizer.Encode(turn.role), 0);
    append({end_header}, 0);
    append(tokenizer.Encode("\n\n"), 0);
    append(tokenizer.Encode(turn.content), reply ? 1 : 0);
    append({end_of_turn}, reply ? 1 : 0);
  }
  if (!has_reply) {
    throw std::invalid_argument("conversation without an assistant turn");
  }
  return chat;
}

}  // namespace prolong::data
