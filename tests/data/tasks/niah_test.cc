#include <regex>
#include <set>

#include "data/tasks/niah_multikey.h"
#include "data/tasks/niah_multivalue.h"
#include "data/tasks/sentences.h"
#include "gtest/gtest.h"
#include "tests/data/tasks/test_text.h"

namespace prolong::data {
namespace {

constexpr int kTarget = 3000, kGeneration = 50;

// Prose sentences (each starts with the word "In", even when cut short).
int Sentences(const std::string& text) {
  int count = 0;
  for (const auto& word : SplitWords(text)) count += word == "In";
  return count;
}

void ExpectLengthWithin2Percent(const std::string& prompt,
                                const TokenCounter& count) {
  const int budget = kTarget - kGeneration;
  EXPECT_LE(count(prompt), budget);
  EXPECT_GE(count(prompt), 0.98 * budget);
}

NiahMultikeyOptions Mk(NiahMultikeyKind kind, uint64_t seed = 42) {
  return {kind, kTarget, kGeneration, 4, seed};
}

TEST(NiahMultikeyTest, WordKeysGoldOnceAndSized) {
  for (const auto& count : {WordCounter(), CharCounter()}) {
    const auto samples = GenerateNiahMultikey(
        Mk(NiahMultikeyKind::kWordKeysNumberValues), count);
    ASSERT_EQ(samples.size(), 4u);
    for (const auto& s : samples) {
      ASSERT_EQ(s.answers.size(), 1u);
      EXPECT_TRUE(std::regex_match(s.answers[0], std::regex("[1-9][0-9]{6}")));
      // The query key: "... for {key} mentioned in the provided text is".
      std::smatch m;
      ASSERT_TRUE(std::regex_search(
          s.prompt, m,
          std::regex("The special magic number for ([a-z]+-[a-z]+) mentioned "
                     "in the provided text is$")));
      const std::string key = m[1];
      const std::string gold = "One of the special magic numbers for " + key +
                               " is: " + s.answers[0] + ".";
      EXPECT_EQ(Count(s.prompt, gold), 1);
      EXPECT_EQ(Count(s.prompt, " for " + key + " is:"), 1);
      EXPECT_TRUE(s.prompt.rfind(
                      "A special magic number is hidden within the following "
                      "text. Make sure to memorize it. I will quiz you about "
                      "the number afterwards.\nOne of the special magic "
                      "numbers for ",
                      0) == 0);
      EXPECT_GE(s.depth_index, 0);
      EXPECT_LE(s.depth_index, 9);
      ExpectLengthWithin2Percent(s.prompt, count);
    }
  }
}

TEST(NiahMultikeyTest, UuidsGoldOnce) {
  const auto samples =
      GenerateNiahMultikey(Mk(NiahMultikeyKind::kUuids), CharCounter());
  for (const auto& s : samples) {
    EXPECT_EQ(s.answers[0].size(), 36u);
    EXPECT_EQ(Count(s.prompt, "uuids for "), Count(s.prompt, "\n") - 2);
    EXPECT_EQ(Count(s.prompt, "is: " + s.answers[0] + "."), 1);
    EXPECT_NE(s.prompt.find("What is the special magic uuid for "),
              std::string::npos);
    ExpectLengthWithin2Percent(s.prompt, CharCounter());
  }
}

TEST(NiahMultikeyTest, DeterministicAndSeeded) {
  const auto kind = NiahMultikeyKind::kWordKeysNumberValues;
  const auto a = GenerateNiahMultikey(Mk(kind), WordCounter());
  const auto b = GenerateNiahMultikey(Mk(kind), WordCounter());
  const auto c = GenerateNiahMultikey(Mk(kind, 7), WordCounter());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].prompt, b[i].prompt);
    EXPECT_NE(a[i].prompt, c[i].prompt);
  }
  EXPECT_NE(a[0].prompt, a[1].prompt);
}

TEST(NiahMultikeyTest, GoldDepthsSpread) {
  NiahMultikeyOptions options = Mk(NiahMultikeyKind::kWordKeysNumberValues);
  options.num_samples = 30;
  options.target_tokens = 400;
  std::set<int> deciles;
  for (const auto& s : GenerateNiahMultikey(options, WordCounter())) {
    deciles.insert(s.depth_index);
  }
  EXPECT_GE(deciles.size(), 6u);
}

TEST(NiahMultikeyTest, ThrowsWhenNothingFits) {
  NiahMultikeyOptions options = Mk(NiahMultikeyKind::kUuids);
  options.target_tokens = 60;
  EXPECT_THROW(GenerateNiahMultikey(options, WordCounter()),
               std::runtime_error);
}

TEST(NiahMultivalueTest, Depths) {
  const auto depths = NiahDepthPercents();
  ASSERT_EQ(depths.size(), 40u);
  EXPECT_EQ(depths[0], 0);
  EXPECT_EQ(depths[1], 3);    // 2.56
  EXPECT_EQ(depths[2], 5);    // 5.13
  EXPECT_EQ(depths[20], 51);  // 51.28
  EXPECT_EQ(depths[39], 100);
}

TEST(NiahMultivalueTest, FourNeedlesOnceAtSampledDepths) {
  const std::string haystack = Prose(40);  // repeats when too short
  const std::vector<int> depths = NiahDepthPercents();
  for (const auto& count : {WordCounter(), CharCounter()}) {
    const auto samples =
        GenerateNiahMultivalue({kTarget, kGeneration, 3, 42}, haystack, count);
    ASSERT_EQ(samples.size(), 3u);
    for (const auto& s : samples) {
      ASSERT_EQ(s.answers.size(), 4u);
      EXPECT_EQ(
          std::set<std::string>(s.answers.begin(), s.answers.end()).size(), 4u);
      std::smatch m;
      ASSERT_TRUE(std::regex_search(
          s.prompt, m,
          std::regex("for ([a-z]+-[a-z]+) mentioned in the provided text "
                     "are$")));
      const std::string key = m[1];
      const size_t start = s.prompt.find("afterwards.\n") + 12;
      const size_t end = s.prompt.find("\nWhat are all the special magic");
      const std::string context = s.prompt.substr(start, end - start);
      // Sentences of the haystack before each needle: a sampled depth's cut.
      for (const auto& value : s.answers) {
        const std::string needle = "One of the special magic numbers for " +
                                   key + " is: " + value + ".";
        ASSERT_EQ(Count(context, needle), 1);
        const std::string before = context.substr(0, context.find(needle));
        const int haystack_sentences = Sentences(before);
        const int total = Sentences(context);
        bool at_a_depth = false;
        for (const int d : depths) {
          at_a_depth |=
              haystack_sentences == static_cast<int>(total * (d / 100.0));
        }
        EXPECT_TRUE(at_a_depth) << haystack_sentences << " of " << total;
      }
      ExpectLengthWithin2Percent(s.prompt, count);
    }
  }
  EXPECT_THROW(
      GenerateNiahMultivalue({kTarget, kGeneration, 1, 42}, " ", WordCounter()),
      std::invalid_argument);
}

TEST(NiahSingleTest, OneNeedleAtItsDepthWithTheSingleValuePrompt) {
  const std::string haystack = Prose(40);
  const auto samples = GenerateNiahMultivalue(
      {kTarget, kGeneration, 20, 7, /*num_values=*/1}, haystack, WordCounter());
  ASSERT_EQ(samples.size(), 20u);
  std::set<int> depth_indices;
  for (const auto& s : samples) {
    ASSERT_EQ(s.answers.size(), 1u);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(
        s.prompt, m,
        std::regex("What is the special magic number for ([a-z]+-[a-z]+) "
                   "mentioned in the provided text\\?\nThe special magic "
                   "number for [a-z]+-[a-z]+ mentioned in the provided text "
                   "is$")));
    const std::string needle = "One of the special magic numbers for " +
                               std::string(m[1]) + " is: " + s.answers[0] + ".";
    ASSERT_EQ(Count(s.prompt, needle), 1);
    // The depth decile says where the needle is among the sentences.
    const size_t start = s.prompt.find("afterwards.\n") + 12;
    const std::string context = s.prompt.substr(start);
    const double depth = static_cast<double>(Sentences(
                             context.substr(0, context.find(needle)))) /
                         Sentences(context);
    EXPECT_NEAR(depth, (s.depth_index + 0.5) / 10, 0.1);
    depth_indices.insert(s.depth_index);
    ExpectLengthWithin2Percent(s.prompt, WordCounter());
  }
  EXPECT_GE(depth_indices.size(), 5u);
  EXPECT_THROW(GenerateNiahMultivalue({kTarget, kGeneration, 1, 42, 0},
                                      haystack, WordCounter()),
               std::invalid_argument);
}

}  // namespace
}  // namespace prolong::data
