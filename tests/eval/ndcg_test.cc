#include "experiments/eval/ndcg.h"

#include <cmath>

#include "gtest/gtest.h"

namespace prolong::eval {
namespace {

TEST(ParseRankingsTest, ParsesIdsWithBracketsAndSpaces) {
  const RetrievalRun run = ParseRankings("Ranking: [ID3] > [ID1]>ID2");
  EXPECT_EQ(run, (RetrievalRun{{"3", 3}, {"1", 2}, {"2", 1}}));
}

TEST(ParseRankingsTest, TakesTheLongestChainFirstAmongEquals) {
  EXPECT_EQ(ParseRankings("1 > 2 then 30 > 4 > 5"),
            (RetrievalRun{{"30", 3}, {"4", 2}, {"5", 1}}));
  // Equal lengths: the first wins.
  EXPECT_EQ(ParseRankings("7 > 8, 9 > 6"), (RetrievalRun{{"7", 2}, {"8", 1}}));
  // Longest by characters, not by count of ids.
  EXPECT_EQ(ParseRankings("1>2>3 and 12345 > 6"),
            (RetrievalRun{{"12345", 2}, {"6", 1}}));
}

TEST(ParseRankingsTest, RepeatedIdsKeepTheirFirstScore) {
  EXPECT_EQ(ParseRankings("4 > 5 > 4 > 6"),
            (RetrievalRun{{"4", 4}, {"5", 3}, {"6", 1}}));
}

TEST(ParseRankingsTest, DeletesIdEverywhereAndKeepsLeadingZeros) {
  // "provided" loses its "id": "provided 07" -> "proved 07".
  EXPECT_EQ(ParseRankings("provided 07 > 1"),
            (RetrievalRun{{"07", 2}, {"1", 1}}));
}

TEST(ParseRankingsTest, WithoutDigitsTheWholeTextIsOneId) {
  EXPECT_EQ(ParseRankings("No [IDea]: sorry"),
            (RetrievalRun{{"no ea sorry", 1}}));
}

double Dcg(const std::vector<int>& gains) {
  double sum = 0;
  for (size_t i = 0; i < gains.size(); ++i)
    sum += gains[i] / std::log2(i + 2.0);
  return sum;
}

TEST(NdcgTest, PerfectRankingScoresOne) {
  const Qrels qrels = {{"a", 3}, {"b", 2}, {"c", 0}};
  EXPECT_DOUBLE_EQ(NdcgAtK({{"a", 3}, {"b", 2}, {"c", 1}}, qrels, 10), 1.0);
}

TEST(NdcgTest, LinearGainsAndLogDiscount) {
  const Qrels qrels = {{"a", 3}, {"b", 2}, {"c", 1}, {"d", 0}};
  // RetrievalRun order: d, c, b, a.
  const RetrievalRun run = {{"d", 4}, {"c", 3}, {"b", 2}, {"a", 1}};
  EXPECT_DOUBLE_EQ(NdcgAtK(run, qrels, 10), Dcg({0, 1, 2, 3}) / Dcg({3, 2, 1}));
}

TEST(NdcgTest, TiesBreakByDocidDescending) {
  const Qrels qrels = {{"10", 3}, {"9", 0}};
  // Equal scores: strcmp("9", "10") > 0, so "9" ranks first.
  EXPECT_DOUBLE_EQ(NdcgAtK({{"10", 1}, {"9", 1}}, qrels, 10),
                   Dcg({0, 3}) / Dcg({3}));
  const Qrels qrels2 = {{"b", 1}, {"a", 0}};
  EXPECT_DOUBLE_EQ(NdcgAtK({{"a", 5}, {"b", 5}}, qrels2, 10), 1.0);
}

TEST(NdcgTest, MissingAndExtraIds) {
  const Qrels qrels = {{"1", 2}, {"2", 1}, {"3", 0}};
  // "99" is not judged (gain 0) but takes rank 1; "2" is never ranked.
  EXPECT_DOUBLE_EQ(NdcgAtK({{"99", 2}, {"1", 1}}, qrels, 10),
                   Dcg({0, 2}) / Dcg({2, 1}));
  EXPECT_DOUBLE_EQ(NdcgAtK({}, qrels, 10), 0.0);
}

TEST(NdcgTest, CutsAtK) {
  Qrels qrels;
  RetrievalRun run;
  for (int i = 0; i < 12; ++i) {
    qrels[std::to_string(100 + i)] = i == 11 ? 3 : 0;
    run[std::to_string(100 + i)] = 12 - i;  // the relevant one ranks 12th
  }
  EXPECT_DOUBLE_EQ(NdcgAtK(run, qrels, 10), 0.0);
  EXPECT_GT(NdcgAtK(run, qrels, 12), 0.0);
}

TEST(NdcgTest, NoRelevantDocumentsScoresZero) {
  EXPECT_DOUBLE_EQ(NdcgAtK({{"a", 1}}, {{"a", 0}}, 10), 0.0);
}

TEST(RerankNdcg10Test, ParsesThenScores) {
  const Qrels qrels = {{"3", 3}, {"1", 1}, {"2", 0}};
  EXPECT_DOUBLE_EQ(RerankNdcg10("[3] > [1] > [2]", qrels), 1.0);
  EXPECT_DOUBLE_EQ(RerankNdcg10("ID2 > ID1 > ID3", qrels),
                   Dcg({0, 1, 3}) / Dcg({3, 1}));
  EXPECT_DOUBLE_EQ(RerankNdcg10("I don't know", qrels), 0.0);
}

}  // namespace
}  // namespace prolong::eval
