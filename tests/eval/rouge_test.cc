#include "experiments/eval/rouge.h"

#include "gtest/gtest.h"

namespace prolong::eval {
namespace {

TEST(RougeLTest, HandWorkedLcs) {
  // Tokens: [police, killed, gunman] vs [police, kill, gunman]: LCS 2.
  EXPECT_DOUBLE_EQ(
      RougeLF1("police killed the gunman", "police kill the gunman"), 2.0 / 3);
  // pred [a b c d e] (no articles here), ref [b d f]: LCS 2 (b, d);
  // P = 2/5, R = 2/3, F = 2PR/(P+R) = 0.5.
  EXPECT_DOUBLE_EQ(RougeLF1("x b y d z", "b d f"), 0.5);
}

TEST(RougeLTest, NormalisesCasePunctuationAndArticles) {
  EXPECT_DOUBLE_EQ(RougeLF1("The Cat, sat.", "a cat sat"), 1.0);
}

TEST(RougeLTest, OrderMatters) {
  // LCS of [b a] and [a b] is 1: P = R = 1/2.
  EXPECT_DOUBLE_EQ(RougeLF1("b x", "x b"), 0.5);
}

TEST(RougeLTest, EmptyTextsScoreZero) {
  EXPECT_DOUBLE_EQ(RougeLF1("", "a cat"), 0.0);
  EXPECT_DOUBLE_EQ(RougeLF1("cat", "the"), 0.0);  // reference normalises away
  EXPECT_DOUBLE_EQ(RougeLF1("dog", "cat"), 0.0);
}

TEST(RougeLTest, MaxOverReferences) {
  EXPECT_DOUBLE_EQ(
      RougeLF1("cat sat", std::vector<std::string>{"dog", "cat sat"}), 1.0);
  EXPECT_DOUBLE_EQ(RougeLF1("cat", std::vector<std::string>{}), 0.0);
}

}  // namespace
}  // namespace prolong::eval
