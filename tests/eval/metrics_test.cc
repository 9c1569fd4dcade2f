#include "experiments/eval/metrics.h"

#include "gtest/gtest.h"

namespace prolong::eval {
namespace {

TEST(NormalizeAnswerTest, LowercasesDropsPunctuationArticlesAndSpace) {
  EXPECT_EQ(NormalizeAnswer("The  Cat,   sat!"), "cat sat");
  EXPECT_EQ(NormalizeAnswer("\tA dog\nand AN apple."), "dog and apple");
  // Articles only as whole words; "theory" and "Anne" stay.
  EXPECT_EQ(NormalizeAnswer("the theory of Anne"), "theory of anne");
  // Punctuation goes before article removal: "the-end" -> "theend".
  EXPECT_EQ(NormalizeAnswer("the-end"), "theend");
  // ...and "a.b" -> "ab", but "a. b" -> "b".
  EXPECT_EQ(NormalizeAnswer("a.b"), "ab");
  EXPECT_EQ(NormalizeAnswer("a. b"), "b");
  EXPECT_EQ(NormalizeAnswer("  "), "");
}

TEST(ExactMatchTest, ComparesNormalizedStringsOverAllGolds) {
  EXPECT_EQ(ExactMatch("The Eiffel Tower.", {"eiffel tower"}), 1.0);
  EXPECT_EQ(ExactMatch("Eiffel Tower in Paris", {"eiffel tower"}), 0.0);
  EXPECT_EQ(ExactMatch("Paris", {"London", "paris"}), 1.0);
  EXPECT_EQ(ExactMatch("Paris", {}), 0.0);
}

TEST(SubstringExactMatchTest, FindsAnyNormalizedGoldInThePrediction) {
  EXPECT_EQ(SubstringExactMatch("It is the Eiffel-Tower!", {"Eiffel Tower"}),
            0.0);  // "eiffeltower" does not contain "eiffel tower"
  EXPECT_EQ(SubstringExactMatch("It is the Eiffel Tower!", {"eiffel tower"}),
            1.0);
  EXPECT_EQ(SubstringExactMatch("Answer: 1,234", {"x", "1234"}), 1.0);
  EXPECT_EQ(SubstringExactMatch("nothing", {"x", "y"}), 0.0);
  // Substring of a word counts (plain `in`).
  EXPECT_EQ(SubstringExactMatch("Parisian", {"paris"}), 1.0);
}

TEST(ParseOutputTest, TakesTheRestOfTheLineAfterThePrefix) {
  EXPECT_EQ(ParseOutput("Answer: Paris\nmore text", "Answer:"), "Paris");
  EXPECT_EQ(ParseOutput("blah ANSWER:  Paris  \nAnswer: Rome", "Answer:"),
            "Paris");  // first occurrence, case-insensitive
  // A repeated prefix is removed once.
  EXPECT_EQ(ParseOutput("Answer: answer: Paris", "Answer:"), "Paris");
}

TEST(ParseOutputTest, FallsBackToTheFirstLine) {
  EXPECT_EQ(ParseOutput("  Paris \nRome", "Answer:"), "Paris");
  EXPECT_EQ(ParseOutput("\nParis", "Answer:"), "");
  EXPECT_EQ(ParseOutput("", "label:"), "");
}

TEST(ParseIclLabelTest, TextAfterLabelOrTheFirstLine) {
  EXPECT_EQ(ParseIclLabel(" 12\nlabel: 3"), "3");
  EXPECT_EQ(ParseIclLabel(" 12 \nmore"), "12");
  EXPECT_EQ(ParseIclLabel("LABEL:7\n"), "7");
}

TEST(IclScoreTest, ParsesTheLabel) {
  EXPECT_EQ(IclScore(" 12\nmore", {"12"}), 1.0);  // first line
  // "label:" anywhere wins over the first line.
  EXPECT_EQ(IclScore(" 12\nlabel: 3", {"3"}), 1.0);  // first line
  EXPECT_EQ(IclScore("text\nlabel: 3\nlabel: 12", {"3"}), 1.0);
  EXPECT_EQ(IclScore("text\nlabel: 3\nlabel: 12", {"12"}), 0.0);
  EXPECT_EQ(IclScore("Label: label: 7.", {"7"}), 1.0);
  // EM, not SubEM: "12" is not "1".
  EXPECT_EQ(IclScore("12", {"1"}), 0.0);
  // No max with the raw output: the raw text is "3 4" -> first line "3 4".
  EXPECT_EQ(IclScore("3 4", {"3"}), 0.0);
}

TEST(DefaultSubEmTest, MaxOfRawAndParsed) {
  EXPECT_EQ(DefaultSubEm("Answer: Paris", {"Paris"}), 1.0);
  EXPECT_EQ(DefaultSubEm("I think it's Paris", {"paris"}), 1.0);
  EXPECT_EQ(DefaultSubEm("Answer: Paris\nRome", {"paris"}), 1.0);
  EXPECT_EQ(DefaultSubEm("London", {"Paris"}), 0.0);
}

TEST(JsonKvScoreTest, MaxOfRawAndParsedValue) {
  const std::string uuid = "8c5a8e3f-2b1d-4c7e-9f0a-1234567890ab";
  EXPECT_EQ(JsonKvScore(" " + uuid, {uuid}), 1.0);
  EXPECT_EQ(JsonKvScore("Corresponding value: " + uuid + "\nKey: x", {uuid}),
            1.0);
  EXPECT_EQ(JsonKvScore("8c5a8e3f-2b1d", {uuid}), 0.0);
}

TEST(RulerRecallTest, FractionOfValuesFoundCaseInsensitively) {
  EXPECT_EQ(RulerRecall("1234567 and 7654321", {"1234567", "7654321"}), 1.0);
  EXPECT_EQ(RulerRecall("1234567, 1111111",
                        {"1234567", "7654321", "1111111", "2222222"}),
            0.5);
  EXPECT_EQ(RulerRecall("UUID AB-CD", {"ab-cd"}), 1.0);
  // No normalisation: punctuation inside the value matters.
  EXPECT_EQ(RulerRecall("abcd", {"ab-cd"}), 0.0);
  EXPECT_EQ(RulerRecall("1,234,567", {"1234567"}), 0.0);
  EXPECT_EQ(RulerRecall("x", {}), 0.0);
}

}  // namespace
}  // namespace prolong::eval
