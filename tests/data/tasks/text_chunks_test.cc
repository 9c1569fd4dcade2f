#include "data/tasks/text_chunks.h"

#include <stdexcept>

#include "data/tasks/sentences.h"
#include "gtest/gtest.h"

namespace prolong::data {
namespace {

TEST(SentenceChunksTest, PacksWholeSentences) {
  EXPECT_EQ(
      SentenceChunks("One two three.  Four\nfive. Six seven eight nine.", 5),
      (std::vector<std::string>{"One two three. Four five.",
                                "Six seven eight nine."}));
}

TEST(SentenceChunksTest, CutsLongSentencesAndKeepsEveryWord) {
  const std::string text = "a b c d e f g h i j k. l m.";
  const auto chunks = SentenceChunks(text, 4);
  EXPECT_EQ(chunks,
            (std::vector<std::string>{"a b c d", "e f g h", "i j k.", "l m."}));
  std::string joined;
  for (const auto& chunk : chunks) {
    EXPECT_LE(SplitWords(chunk).size(), 4u);
    joined += (joined.empty() ? "" : " ") + chunk;
  }
  EXPECT_EQ(joined, text);
}

TEST(SentenceChunksTest, EmptyAndInvalid) {
  EXPECT_TRUE(SentenceChunks(" \n ", 5).empty());
  EXPECT_THROW(SentenceChunks("x", 0), std::invalid_argument);
}

}  // namespace
}  // namespace prolong::data
