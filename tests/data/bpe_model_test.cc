#include "data/tokenizer/bpe_model.h"

#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace prolong::data {
namespace {

std::vector<std::string> ByteTokens() {
  std::vector<std::string> tokens;
  for (int b = 0; b < 256; ++b) tokens.emplace_back(1, static_cast<char>(b));
  return tokens;
}

std::vector<int32_t> Encode(const BpeModel& model, std::string_view word) {
  std::vector<int32_t> ids;
  model.EncodeWord(word, &ids);
  return ids;
}

// GPT-2's reference algorithm: merge every occurrence of the lowest-ranked
// adjacent pair, left to right, until no pair has a merge.
std::vector<int32_t> ReferenceEncode(const BpeModel& model,
                                     std::string_view word) {
  std::map<std::pair<int32_t, int32_t>, std::pair<int, int32_t>> ranks;
  for (size_t r = 0; r < model.merges().size(); ++r) {
    const Merge& m = model.merges()[r];
    ranks[{m.left, m.right}] = {static_cast<int>(r), m.merged};
  }
  std::vector<int32_t> ids;
  for (const char c : word) ids.push_back(model.ByteId(c));
  while (true) {
    int best_rank = -1;
    std::pair<int32_t, int32_t> best;
    for (size_t i = 0; i + 1 < ids.size(); ++i) {
      const auto it = ranks.find({ids[i], ids[i + 1]});
      if (it != ranks.end() &&
          (best_rank < 0 || it->second.first < best_rank)) {
        best_rank = it->second.first;
        best = it->first;
      }
    }
    if (best_rank < 0) return ids;
    std::vector<int32_t> merged;
    for (size_t i = 0; i < ids.size();) {
      if (i + 1 < ids.size() && ids[i] == best.first &&
          ids[i + 1] == best.second) {
        merged.push_back(ranks[best].second);
        i += 2;
      } else {
        merged.push_back(ids[i++]);
      }
    }
    ids = merged;
  }
}

TEST(BpeModelTest, AppliesMergesByRank) {
  std::vector<std::string> tokens = ByteTokens();
  tokens.push_back("ab");   // 256
  tokens.push_back("abc");  // 257
  tokens.push_back("bc");   // 258
  const BpeModel model(tokens,
                       {{'a', 'b', 256}, {256, 'c', 257}, {'b', 'c', 258}},
                       /*ignore_merges=*/false);
  EXPECT_EQ(Encode(model, "abcab"), (std::vector<int32_t>{257, 256}));
  EXPECT_EQ(Encode(model, "bcbc"), (std::vector<int32_t>{258, 258}));
  EXPECT_EQ(Encode(model, "xabc"), (std::vector<int32_t>{'x', 257}));
  EXPECT_EQ(Encode(model, "a"), (std::vector<int32_t>{'a'}));
}

TEST(BpeModelTest, MatchesReferenceOnRandomMerges) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 20; ++trial) {
    // Random merges over "abcd": merge two random tokens if that is new.
    std::vector<std::string> tokens = ByteTokens();
    std::vector<int32_t> pool = {'a', 'b', 'c', 'd'};
    std::map<std::string, int32_t> ids;
    std::vector<Merge> merges;
    while (merges.size() < 40) {
      const int32_t left = pool[rng() % pool.size()];
      const int32_t right = pool[rng() % pool.size()];
      const std::string bytes = tokens[left] + tokens[right];
      if (bytes.size() > 6 || ids.count(bytes) > 0) continue;
      const int32_t id = static_cast<int32_t>(tokens.size());
      tokens.push_back(bytes);
      ids[bytes] = id;
      pool.push_back(id);
      merges.push_back({left, right, id});
    }
    const BpeModel model(tokens, merges, /*ignore_merges=*/false);
    for (int w = 0; w < 200; ++w) {
      std::string word(1 + rng() % 40, 'a');
      for (char& c : word) c = static_cast<char>('a' + rng() % 4);
      ASSERT_EQ(Encode(model, word), ReferenceEncode(model, word))
          << "trial " << trial << " word " << word;
    }
  }
}

TEST(BpeModelTest, IgnoreMergesUsesWholeWordTokens) {
  std::vector<std::string> tokens = ByteTokens();
  tokens.push_back("abc");  // In the vocabulary, but no merge makes it.
  EXPECT_EQ(Encode(BpeModel(tokens, {}, false), "abc"),
            (std::vector<int32_t>{'a', 'b', 'c'}));
  EXPECT_EQ(Encode(BpeModel(tokens, {}, true), "abc"),
            (std::vector<int32_t>{256}));
}

TEST(BpeModelTest, RejectsInconsistentModels) {
  std::vector<std::string> tokens = ByteTokens();
  tokens.push_back("ab");
  EXPECT_THROW(BpeModel(tokens, {{'a', 'c', 256}}, false),
               std::invalid_argument);
  EXPECT_THROW(BpeModel(tokens, {{'a', 'b', 256}, {'a', 'b', 256}}, false),
               std::invalid_argument);
  EXPECT_THROW(BpeModel(tokens, {{'a', 'b', 999}}, false),
               std::invalid_argument);
  std::vector<std::string> duplicate = tokens;
  duplicate.push_back("ab");
  EXPECT_THROW(BpeModel(duplicate, {}, false), std::invalid_argument);
  std::vector<std::string> missing_byte = tokens;
  missing_byte[7].clear();
  try {
    BpeModel(missing_byte, {}, false);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "BPE model: no token for byte 7");
  }
}

}  // namespace
}  // namespace prolong::data
