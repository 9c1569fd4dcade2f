#include "data/tasks/rerank.h"

#include <map>
#include <regex>
#include <set>

#include "gtest/gtest.h"
#include "tests/data/tasks/test_text.h"

namespace prolong::data {
namespace {

constexpr int kTarget = 1000, kGeneration = 100;

// 4 queries; query q has 40 passages per grade 0 and 1, and 5 per grade 2
// and 3 (so a long prompt runs out of the high grades).
std::vector<RerankQuery> Queries() {
  std::vector<RerankQuery> queries;
  for (int q = 0; q < 4; ++q) {
    RerankQuery query{"query number " + std::to_string(q), {}};
    for (int grade = 0; grade < 4; ++grade) {
      for (int i = 0; i < (grade < 2 ? 40 : 5); ++i) {
        query.passages.push_back(
            {i % 2 ? "" : "T" + std::to_string(i),
             "q" + std::to_string(q) + " grade" + std::to_string(grade) +
                 " passage " + std::to_string(i) + " with some words here.",
             grade});
      }
    }
    queries.push_back(std::move(query));
  }
  return queries;
}

// id -> passage text of the prompt's last passage list.
std::vector<std::pair<std::string, std::string>> Shown(
    const std::string& prompt) {
  const std::string context = prompt.substr(prompt.rfind("\nRanking: "));
  std::vector<std::pair<std::string, std::string>> out;
  const std::regex passage(
      R"(\[ID: (\d+)\] Document(?: \(Title: T\d+\))?: ([^\n]+))");
  for (std::sregex_iterator it(context.begin(), context.end(), passage), end;
       it != end; ++it) {
    out.emplace_back((*it)[1], (*it)[2]);
  }
  return out;
}

int GradeOf(const std::string& text) {
  return text[text.find(" grade") + 6] - '0';
}

TEST(RerankTest, BalancedQrelsPermutationsAndLength) {
  for (const auto& count : {WordCounter(), CharCounter()}) {
    const auto samples =
        GenerateRerank({kTarget, kGeneration, 6, 2, 10, 42}, Queries(), count);
    ASSERT_EQ(samples.size(), 6u);
    for (size_t i = 0; i < samples.size(); ++i) {
      const auto& s = samples[i];
      EXPECT_EQ(s.depth_index, static_cast<int>(i % kRerankPermutations));
      EXPECT_EQ(s.prompt.substr(s.prompt.size() - 9), "\nRanking:");
      const auto shown = Shown(s.prompt);
      ASSERT_GT(shown.size(), 20u);
      std::map<std::string, int> qrels;
      std::map<int, int> per_grade;
      for (const auto& [id, text] : shown) {
        qrels[id] = GradeOf(text);
        ++per_grade[GradeOf(text)];
      }
      EXPECT_EQ(qrels.size(), shown.size());  // distinct ids
      EXPECT_EQ(s.qrels, qrels);
      // Balanced: all of the scarce grades, equal shares of the rest.
      EXPECT_EQ(per_grade[3], 5);
      EXPECT_EQ(per_grade[2], 5);
      EXPECT_LE(std::abs(per_grade[0] - per_grade[1]), 1);
      // The answer ranks by grade, descending.
      int previous = 3;
      std::smatch m;
      std::string ranking = s.answers.at(0);
      for (const std::regex id(R"(\d+)"); std::regex_search(ranking, m, id);
           ranking = m.suffix()) {
        EXPECT_LE(s.qrels.at(m[0]), previous);
        previous = s.qrels.at(m[0]);
      }
      // Two demos of 10 passages with their gold rankings.
      EXPECT_EQ(Count(s.prompt, "\nRanking: "), 3);  // format line + 2 demos
      const int budget = kTarget - kGeneration;
      EXPECT_LE(count(s.prompt), budget);
      EXPECT_GE(count(s.prompt), 0.98 * budget);
    }
    // The 3 permutations of a query differ in order.
    EXPECT_NE(Shown(samples[0].prompt), Shown(samples[1].prompt));
  }
}

TEST(RerankTest, Deterministic) {
  const auto a = GenerateRerank({kTarget, kGeneration, 3, 2, 10, 42}, Queries(),
                                WordCounter());
  const auto b = GenerateRerank({kTarget, kGeneration, 3, 2, 10, 42}, Queries(),
                                WordCounter());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].prompt, b[i].prompt);
}

TEST(RerankTest, RejectsBadGrades) {
  auto queries = Queries();
  queries[0].passages[0].relevance = 4;
  EXPECT_THROW(GenerateRerank({kTarget, kGeneration, 3, 2, 10, 42}, queries,
                              WordCounter()),
               std::invalid_argument);
}

}  // namespace
}  // namespace prolong::data
