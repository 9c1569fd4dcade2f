// A chat conversation: alternating user and assistant turns.
#ifndef PROLONG_DATA_SFT_CONVERSATION_H_
#define PROLONG_DATA_SFT_CONVERSATION_H_

#include <string>
#include <vector>

namespace prolong::data {

struct ChatTurn {
  std::string role;  // "user" or "assistant"
  std::string content;
};

using Conversation = std::vector<ChatTurn>;

}  // namespace prolong::data

#endif  // PROLONG_DATA_SFT_CONVERSATION_H_
