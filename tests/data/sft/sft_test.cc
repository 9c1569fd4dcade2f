#include <gtest/gtest.h>

#include <string_view>

#include "data/packing/packing.h"
#include "data/sft/chat_template.h"
#include "data/sft/python_docstrings.h"
#include "data/sft/reference_conversations.h"
#include "data/tokenizer/bpe_tokenizer.h"

namespace prolong::data {
namespace {

BpeTokenizer SmallTokenizer() {
  const std::string text =
      "user assistant what does the function do? It returns the value.";
  return BpeTokenizer::Train({std::string_view(text)}, 300, 1);
}

TEST(ChatTemplate, MasksEverythingButAssistantReplies) {
  const BpeTokenizer tokenizer = SmallTokenizer();
  const Conversation conversation = {{"user", "What?"},
                                     {"assistant", "It returns."}};
  const TokenizedChat chat = EncodeChat(conversation, tokenizer);
  ASSERT_EQ(chat.tokens.size(), chat.loss_mask.size());
  EXPECT_EQ(chat.tokens.front(), tokenizer.bos_id());
  std::string targets, context;
  std::vector<int32_t> target_ids;
  for (size_t i = 0; i < chat.tokens.size(); ++i) {
    if (chat.loss_mask[i]) target_ids.push_back(chat.tokens[i]);
  }
  EXPECT_EQ(tokenizer.Decode(target_ids), "It returns.<|eot_id|>");
  EXPECT_EQ(tokenizer.Decode(chat.tokens),
            "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n"
            "What?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"
            "It returns.<|eot_id|>");
}

TEST(ChatTemplate, RejectsBadConversations) {
  const BpeTokenizer tokenizer = SmallTokenizer();
  EXPECT_THROW(EncodeChat({{"user", "only a question"}}, tokenizer),
               std::invalid_argument);
  EXPECT_THROW(EncodeChat({{"system", "x"}, {"assistant", "y"}}, tokenizer),
               std::invalid_argument);
}

TEST(PythonDocstrings, OneConversationPerDocumentedDefinition) {
  Corpus corpus;
  corpus.documents.push_back(
      {"pkg",
       "# File: pkg/a.py\n"
       "def add(a, b):\n"
       "    \"\"\"Return the sum of a and b, which must be numbers of the\n"
       "    same kind.\n\n    More details here.\"\"\"\n"
       "    return a + b\n"
       "class Thing(object):\n"
       "    '''A thing that holds a value and knows how to show it.'''\n"
       "def short():\n"
       "    \"\"\"Too short.\"\"\"\n"
       "def undocumented(x):\n"
       "    return x\n"});
  const auto conversations = DocstringConversations(corpus);
  ASSERT_EQ(conversations.size(), 2u);
  EXPECT_EQ(conversations[0][0].content,
            "In the Python module pkg/a.py, what does the function "
            "`add(a, b)` do?");
  EXPECT_EQ(conversations[0][1].content,
            "Return the sum of a and b, which must be numbers of the same "
            "kind.");
  EXPECT_EQ(conversations[1][0].content,
            "In the Python module pkg/a.py, what does the class "
            "`Thing(object)` do?");
}

TEST(ReferenceConversations, DefinitionsFromFoldocEntries) {
  Corpus corpus;
  corpus.documents.push_back(
      {"foldoc:cache",
       "cache\n\n   <storage> A small fast memory holding recently accessed "
       "data, designed to speed up subsequent {access} to the same data.\n\n"
       "   More text.\n"});
  corpus.documents.push_back({"foldoc:x", "x\n\n   <misc> Too short.\n"});
  const auto conversations = DefinitionConversations(corpus);
  ASSERT_EQ(conversations.size(), 1u);
  EXPECT_EQ(conversations[0][0].content, "In computing, what is \"cache\"?");
  EXPECT_EQ(conversations[0][1].content,
            "A small fast memory holding recently accessed data, designed to "
            "speed up subsequent access to the same data.");
}

TEST(ReferenceConversations, FaqQuestionAndAnswer) {
  Corpus corpus;
  corpus.documents.push_back(
      {"faq#1", "What is Perl?\n\nPerl is a language.\n\nIt is old.\n"});
  corpus.documents.push_back({"faq#2", "Not a question\n\nAnswer.\n"});
  const auto conversations = FaqConversations(corpus);
  ASSERT_EQ(conversations.size(), 1u);
  EXPECT_EQ(conversations[0][0].content, "What is Perl?");
  EXPECT_EQ(conversations[0][1].content, "Perl is a language.\n\nIt is old.");
}

TEST(PackConversations, DropsTheTruncatedConversationAndMasksPadding) {
  TokenShard shard;
  shard.domain = "chat";
  // Conversations of 5, 6 and 7 tokens; masks mark their last two tokens.
  for (int length : {5, 6, 7}) {
    for (int i = 0; i < length; ++i) {
      shard.tokens.push_back(length * 10 + i);
      shard.loss_mask.push_back(i >= length - 2 ? 1 : 0);
    }
    shard.doc_offsets.push_back(static_cast<int64_t>(shard.tokens.size()));
    shard.doc_names.push_back("c");
  }
  const auto rows = PackConversations(shard, 12, 4, 3, {1, 2});
  ASSERT_EQ(rows.size(), 4u);
  for (const auto& row : rows) {
    ASSERT_EQ(row.tokens.size(), 12u);
    ASSERT_EQ(row.loss_mask.size(), 12u);
    // Every segment but a final padding one is a whole conversation.
    for (size_t k = 0; k + 1 < row.doc_starts.size(); ++k) {
      const int32_t begin = row.doc_starts[k], end = row.doc_starts[k + 1];
      const int32_t first = row.tokens[begin];
      if (first == 2) {  // padding (EOS): never a target
        EXPECT_EQ(end, 12);
        for (int32_t i = begin; i < end; ++i) EXPECT_EQ(row.loss_mask[i], 0);
        continue;
      }
      const int length = first / 10;
      EXPECT_EQ(end - begin, length);
      for (int i = 0; i < length; ++i) {
        EXPECT_EQ(row.tokens[begin + i], length * 10 + i);
        EXPECT_EQ(row.loss_mask[begin + i], i >= length - 2 ? 1 : 0);
      }
    }
  }
}

TEST(PackConversations, NeedsAChatShard) {
  TokenShard shard;
  shard.tokens = {1, 2, 3};
  shard.doc_offsets = {0, 3};
  shard.doc_names = {"x"};
  EXPECT_THROW(PackConversations(shard, 8, 1, 0, {1, 2}), std::runtime_error);
}

}  // namespace
}  // namespace prolong::data
