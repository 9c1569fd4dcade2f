#include "data/tasks/rag_questions.h"

#include <stdexcept>

#include "gtest/gtest.h"
#include "tests/data/tasks/test_text.h"

namespace prolong::data {
namespace {

Document Page(const std::string& name, const std::string& summary,
              const std::string& description) {
  return {"man3/" + name + ".3", name + "(3)\n\nNAME\n" + name + " - " +
                                     summary + "\n\nDESCRIPTION\n" +
                                     description + "\n"};
}

std::vector<Document> Pages() {
  std::vector<Document> pages;
  for (int i = 0; i < 20; ++i) {
    const std::string name = "func" + std::to_string(i);
    pages.push_back(Page(name, "does thing " + std::to_string(i),
                         "The " + name + "() function does thing " +
                             std::to_string(i) +
                             " to a buffer. It returns zero. Errors are "
                             "reported in errno. The call is thread safe."));
  }
  // No question: the gold does not name the function (only "func1x").
  pages.push_back(
      Page("other", "does another thing", "This call wraps func1x in a loop."));
  // No question: a summary two pages share.
  pages.push_back(Page("dupa", "shared summary", "dupa() is one."));
  pages.push_back(Page("dupb", "shared summary", "dupb() is two."));
  return pages;
}

TEST(ManPageRagMaterialTest, QuestionsHaveTheirAnswerInTheirGold) {
  const auto material = ManPageRagMaterial(Pages(), 10);
  ASSERT_EQ(material.questions.size(), 20u);
  const RagQuestion& q = material.questions[3];
  EXPECT_EQ(q.question, "Which function is described as \"does thing 3\"?");
  EXPECT_EQ(q.answers, (std::vector<std::string>{"func3"}));
  EXPECT_EQ(q.gold.title, "func3(3)");
  EXPECT_EQ(q.gold.text, "The func3() function does thing 3 to a buffer.");
  for (const auto& question : material.questions) {
    EXPECT_TRUE(ContainsWholeWord(question.gold.text, question.answers[0]));
  }
  // Every page's description is in the pool, in passages of <= 10 words.
  EXPECT_EQ(material.pool.size(), 20u * 3 + 3);
}

TEST(ManPageRagMaterialTest, WholeWordMatch) {
  EXPECT_TRUE(ContainsWholeWord("The KILL() call", "kill"));
  EXPECT_FALSE(ContainsWholeWord("tgkill() and killpg()", "kill"));
  EXPECT_FALSE(ContainsWholeWord("my_kill", "kill"));
  EXPECT_TRUE(ContainsWholeWord("kill", "kill"));
}

TEST(ManPageRagMaterialTest, FeedsTheRagGeneratorWithGoldAtEveryDepth) {
  const auto material = ManPageRagMaterial(Pages(), 10);
  const auto samples = GenerateRag({400, 10, 6, 2, 1, 5}, material.questions,
                                   material.pool, WordCounter());
  ASSERT_EQ(samples.size(), 6u);
  for (const auto& sample : samples) {
    const std::string gold = "Document (Title: " + sample.answers[0] +
                             "(3)): The " + sample.answers[0] + "() function";
    // Exactly once: no distractor contains the answer.
    EXPECT_EQ(Count(sample.prompt, gold), 1);
  }
}

TEST(ManPageRagMaterialTest, RejectsOtherCorpora) {
  EXPECT_THROW(ManPageRagMaterial({{"x", "plain text"}}, 8),
               std::invalid_argument);
}

}  // namespace
}  // namespace prolong::data
