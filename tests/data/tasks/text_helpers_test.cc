#include "data/tasks/document_prefix.h"
#include "data/tasks/sentences.h"
#include "gtest/gtest.h"

namespace prolong::data {
namespace {

TEST(SplitSentencesTest, SplitsAtTerminatorsFollowedBySpace) {
  EXPECT_EQ(SplitSentences("One. Two!  \"Three?\" Four 3.5 five.\nSix"),
            (std::vector<std::string>{"One.", "Two!", "\"Three?\"",
                                      "Four 3.5 five.", "Six"}));
  EXPECT_TRUE(SplitSentences("  ").empty());
}

TEST(SplitWordsTest, SplitsAndJoins) {
  const auto words = SplitWords(" a  b\nc ");
  EXPECT_EQ(words, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(JoinWords(words, 1, 3), "b c");
  EXPECT_EQ(JoinWords(words, 2, 2), "");
}

TEST(DocumentPrefixTest, KeepsLayoutAndMarksTheCut) {
  const DocumentPrefix doc("Title\n\nFirst  words here.");
  EXPECT_EQ(doc.words(), 4);
  EXPECT_EQ(doc.Word(2), "words");
  EXPECT_EQ(doc.Prefix(4), "Title\n\nFirst  words here.");
  EXPECT_EQ(doc.Prefix(2),
            "Title\n\nFirst ... [the rest of the text is omitted]");
  EXPECT_EQ(doc.Prefix(0), " ... [the rest of the text is omitted]");
}

}  // namespace
}  // namespace prolong::data
