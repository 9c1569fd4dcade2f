#include "data/tokenizer/word_counts.h"

#include <stdexcept>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/data/generated_text.h"

namespace prolong::data {

// Outside the anonymous namespace, so that argument-dependent lookup finds it.
bool operator==(const WordCount& a, const WordCount& b) {
  return a.word == b.word && a.count == b.count;
}

namespace {

TEST(WordCountsTest, CountsPreTokensAcrossTexts) {
  const std::vector<std::string_view> texts = {"the cat the", " the cat's"};
  const std::vector<WordCount> counts = CountWords(texts, 1);
  const std::vector<WordCount> expected = {
      {" cat", 2}, {" the", 2}, {"'s", 1}, {"the", 1}};
  EXPECT_EQ(counts, expected);
}

TEST(WordCountsTest, SameForAnyThreadCount) {
  // Two texts larger than a chunk, so that both are split, and small ones.
  const std::string big1 = GeneratedText(2500000, 1);
  const std::string big2 = GeneratedText(1200000, 2);
  const std::string small = GeneratedText(1000, 3);
  const std::vector<std::string_view> texts = {big1, small, big2, "", small};
  const std::vector<WordCount> one = CountWords(texts, 1);
  int64_t total_bytes = 0;
  for (const WordCount& wc : one) total_bytes += wc.count * wc.word.size();
  EXPECT_EQ(total_bytes,
            static_cast<int64_t>(big1.size() + big2.size() + 2 * small.size()));
  EXPECT_EQ(CountWords(texts, 2), one);
  EXPECT_EQ(CountWords(texts, 7), one);
}

TEST(WordCountsTest, RejectsBadThreadCount) {
  EXPECT_THROW(CountWords({"x"}, 0), std::invalid_argument);
}

}  // namespace
}  // namespace prolong::data
