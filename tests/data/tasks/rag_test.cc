#include "data/tasks/rag.h"

#include "gtest/gtest.h"
#include "tests/data/tasks/test_text.h"

namespace prolong::data {
namespace {

constexpr int kTarget = 3000, kGeneration = 20;

std::vector<RagQuestion> Questions() {
  std::vector<RagQuestion> questions;
  for (int i = 0; i < 4; ++i) {
    const std::string city = "Cityname" + std::to_string(i);
    questions.push_back(
        {"where was river" + std::to_string(i) + " mill built",
         {city},
         {"River" + std::to_string(i), "The river" + std::to_string(i) +
                                           " mill was built in " + city +
                                           " by local workers long ago."}});
  }
  return questions;
}

// Distractors: some mention river0's mill (lexically close to question 0),
// some contain an answer (must never be used).
std::vector<Passage> Pool() {
  std::vector<Passage> pool;
  for (int i = 0; i < 300; ++i) {
    std::string text = "Passage " + std::to_string(i) +
                       " talks about farming and weather in the valley.";
    if (i % 10 == 3) text += " The river0 mill was built of stone.";
    if (i % 50 == 7) text += " Cityname0 and Cityname1 are towns.";
    pool.push_back({"Title " + std::to_string(i), text});
  }
  return pool;
}

// The passage texts shown after the demos, in order.
std::vector<std::string> Passages(const std::string& prompt,
                                  const std::string& question) {
  const size_t end = prompt.rfind("\n\nQuestion: " + question);
  size_t begin = prompt.rfind("\nAnswer: ", end);
  begin = prompt.find("\n\n", begin) + 2;
  std::vector<std::string> out;
  std::string body = prompt.substr(begin, end - begin);
  for (size_t at = 0; at != std::string::npos;) {
    const size_t next = body.find("\n\n", at);
    out.push_back(
        body.substr(at, next == std::string::npos ? next : next - at));
    at = next == std::string::npos ? next : next + 2;
  }
  return out;
}

TEST(RagTest, GoldOnceAtSixDepthsWithHardNegatives) {
  const auto questions = Questions();
  const auto pool = Pool();
  for (const auto& count : {WordCounter(), CharCounter()}) {
    const auto samples = GenerateRag({kTarget, kGeneration, 24, 2, 3, 42},
                                     questions, pool, count);
    ASSERT_EQ(samples.size(), 24u);
    for (size_t i = 0; i < samples.size(); ++i) {
      const auto& s = samples[i];
      EXPECT_EQ(s.depth_index, static_cast<int>(i % kRagDepths));
      const std::string city = s.answers.at(0);
      const RagQuestion* q = nullptr;
      for (const auto& candidate : questions) {
        if (candidate.answers[0] == city) q = &candidate;
      }
      ASSERT_NE(q, nullptr);
      EXPECT_EQ(
          s.prompt.rfind("Use the given documents to write a concise and short "
                         "answer to the question. Write your answer in the "
                         "following format:\nAnswer: [answer]\n\n",
                         0),
          0u);
      EXPECT_EQ(s.prompt.substr(s.prompt.size() - 8), "\nAnswer:");
      const auto passages = Passages(s.prompt, q->question);
      const std::string gold =
          "Document (Title: " + q->gold.title + "): " + q->gold.text;
      int gold_at = -1;
      for (int p = 0; p < static_cast<int>(passages.size()); ++p) {
        if (passages[p] == gold) {
          EXPECT_EQ(gold_at, -1);
          gold_at = p;
        } else {
          EXPECT_EQ(passages[p].find(city), std::string::npos);
        }
      }
      EXPECT_EQ(gold_at, RagGoldPosition(s.depth_index,
                                         static_cast<int>(passages.size())));
      // The hard negatives come first: for question 0, the passages that
      // mention river0's mill (and not the answer) are all included.
      if (city == "Cityname0") {
        EXPECT_EQ(Count(s.prompt.substr(s.prompt.rfind("\nAnswer: ")),
                        "The river0 mill was built of stone."),
                  30);
      }
      // Two demos with answers.
      EXPECT_EQ(Count(s.prompt, "\nAnswer: Cityname"), 2);
      const int budget = kTarget - kGeneration;
      EXPECT_LE(count(s.prompt), budget);
      EXPECT_GE(count(s.prompt), 0.98 * budget);
    }
  }
}

TEST(RagTest, GoldPositions) {
  EXPECT_EQ(RagGoldPosition(0, 11), 0);
  EXPECT_EQ(RagGoldPosition(1, 11), 2);
  EXPECT_EQ(RagGoldPosition(5, 11), 10);
  EXPECT_EQ(RagGoldPosition(3, 1), 0);
}

TEST(RagTest, Deterministic) {
  const auto a = GenerateRag({kTarget, kGeneration, 6, 2, 3, 42}, Questions(),
                             Pool(), WordCounter());
  const auto b = GenerateRag({kTarget, kGeneration, 6, 2, 3, 42}, Questions(),
                             Pool(), WordCounter());
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].prompt, b[i].prompt);
}

}  // namespace
}  // namespace prolong::data
