#include "data/tokenizer/bpe_trainer.h"

#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace prolong::data {

// Outside the anonymous namespace, so that argument-dependent lookup finds it.
bool operator==(const Merge& a, const Merge& b) {
  return a.left == b.left && a.right == b.right && a.merged == b.merged;
}

namespace {

// Recounts every pair before each merge: slow but obviously right.
LearnedBpe ReferenceLearn(const std::vector<WordCount>& words, int num_tokens) {
  LearnedBpe result;
  std::map<std::string, int32_t> ids;
  for (int b = 0; b < 256; ++b) {
    result.tokens.emplace_back(1, static_cast<char>(b));
    ids[result.tokens.back()] = b;
  }
  std::vector<std::vector<int32_t>> symbols;
  for (const WordCount& w : words) {
    symbols.emplace_back();
    for (const char c : w.word)
      symbols.back().push_back(static_cast<unsigned char>(c));
  }
  while (static_cast<int>(result.tokens.size()) < num_tokens) {
    std::map<std::pair<int32_t, int32_t>, int64_t> counts;
    for (size_t w = 0; w < words.size(); ++w) {
      for (size_t i = 0; i + 1 < symbols[w].size(); ++i) {
        counts[{symbols[w][i], symbols[w][i + 1]}] += words[w].count;
      }
    }
    if (counts.empty()) break;
    auto best = counts.begin();  // Lowest pair among the most frequent.
    for (auto it = counts.begin(); it != counts.end(); ++it) {
      if (it->second > best->second) best = it;
    }
    const auto [a, b] = best->first;
    const std::string bytes = result.tokens[a] + result.tokens[b];
    if (ids.count(bytes) == 0) {
      ids[bytes] = static_cast<int32_t>(result.tokens.size());
      result.tokens.push_back(bytes);
    }
    const int32_t merged = ids[bytes];
    result.merges.push_back({a, b, merged});
    for (std::vector<int32_t>& s : symbols) {
      std::vector<int32_t> out;
      for (size_t i = 0; i < s.size();) {
        if (i + 1 < s.size() && s[i] == a && s[i + 1] == b) {
          out.push_back(merged);
          i += 2;
        } else {
          out.push_back(s[i++]);
        }
      }
      s = out;
    }
  }
  return result;
}

TEST(BpeTrainerTest, LearnsMostFrequentPairsUntilNoneLeft) {
  const LearnedBpe learned = LearnBpe({{"ab", 5}, {"abc", 3}, {"bc", 1}}, 300);
  const std::vector<Merge> expected = {
      {'a', 'b', 256}, {256, 'c', 257}, {'b', 'c', 258}};
  EXPECT_EQ(learned.merges, expected);
  ASSERT_EQ(learned.tokens.size(), 259u);
  EXPECT_EQ(learned.tokens[257], "abc");
  EXPECT_EQ(learned.tokens['x'], "x");
}

TEST(BpeTrainerTest, StopsAtTheTokenCount) {
  const LearnedBpe learned = LearnBpe({{"ab", 5}, {"abc", 3}, {"bc", 1}}, 257);
  EXPECT_EQ(learned.merges.size(), 1u);
  EXPECT_EQ(learned.tokens.size(), 257u);
}

TEST(BpeTrainerTest, BreaksTiesByLowestPair) {
  const LearnedBpe learned = LearnBpe({{"cd", 2}, {"ab", 2}, {"ba", 2}}, 257);
  const std::vector<Merge> expected = {{'a', 'b', 256}};
  EXPECT_EQ(learned.merges, expected);
}

TEST(BpeTrainerTest, MergesRepeatsLeftToRight) {
  // "aaaa" becomes "aa" "aa", which then merge.
  const LearnedBpe learned = LearnBpe({{"aaaa", 1}}, 258);
  const std::vector<Merge> expected = {{'a', 'a', 256}, {256, 256, 257}};
  EXPECT_EQ(learned.merges, expected);
}

TEST(BpeTrainerTest, MatchesReferenceOnRandomWords) {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 30; ++trial) {
    std::map<std::string, int64_t> counts;
    const int num_words = 1 + static_cast<int>(rng() % 40);
    for (int w = 0; w < num_words; ++w) {
      std::string word(1 + rng() % 12, 'a');
      for (char& c : word) c = static_cast<char>('a' + rng() % 3);
      counts[word] += 1 + static_cast<int64_t>(rng() % 5);
    }
    std::vector<WordCount> words;
    for (const auto& [word, count] : counts) words.push_back({word, count});
    const LearnedBpe learned = LearnBpe(words, 256 + 60);
    const LearnedBpe reference = ReferenceLearn(words, 256 + 60);
    ASSERT_EQ(learned.merges, reference.merges) << "trial " << trial;
    ASSERT_EQ(learned.tokens, reference.tokens) << "trial " << trial;
  }
}

}  // namespace
}  // namespace prolong::data
