#include "experiments/eval/score_jsonl.h"

#include <stdexcept>

#include "gtest/gtest.h"

namespace prolong::eval {
namespace {

TEST(ScorePredictionsTest, MeanTimes100) {
  const std::string jsonl =
      "{\"output\": \"Answer: Paris\", \"answers\": [\"paris\", \"x\"]}\n"
      "\n"
      "{\"output\": \"Rome\", \"answer\": \"Paris\"}\n";
  EXPECT_DOUBLE_EQ(ScorePredictions("kilt_nq", jsonl).score, 50.0);
}

TEST(ScorePredictionsTest, IclUsesTheParsedLabel) {
  const std::string jsonl =
      "{\"output\": \" 3\\nmore\", \"answer\": \"3\"}\n"
      "{\"output\": \"label: 4\", \"answer\": \"3\"}\n"
      "{\"output\": \"5\", \"answer\": \"5\"}\n"
      "{\"output\": \"6\", \"answer\": \"5\"}\n";
  EXPECT_DOUBLE_EQ(ScorePredictions("icl_banking77", jsonl).score, 50.0);
}

TEST(ScorePredictionsTest, RerankReadsQrels) {
  const std::string jsonl =
      "{\"output\": \"[2] > [1]\", \"qrel\": [[\"1\", \"0\"], [\"2\", "
      "\"3\"]]}\n"
      "{\"output\": \"none\", \"qrel\": [[\"1\", 1]]}\n";
  EXPECT_DOUBLE_EQ(ScorePredictions("msmarco_rerank_psg", jsonl).score, 50.0);
}

TEST(ScorePredictionsTest, RejectsBadInput) {
  EXPECT_THROW(ScorePredictions("json_kv", ""), std::runtime_error);
  EXPECT_THROW(ScorePredictions("json_kv", "{\"answer\": \"x\"}"),
               std::runtime_error);
  EXPECT_THROW(ScorePredictions("json_kv", "{\"output\": \"x\"}"),
               std::runtime_error);
  EXPECT_THROW(ScorePredictions("json_kv", "{\"output\": "),
               std::runtime_error);
  EXPECT_THROW(ScorePredictions("no_such_task", "{\"output\": \"x\"}"),
               std::invalid_argument);
}

}  // namespace
}  // namespace prolong::eval
