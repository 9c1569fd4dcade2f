#include <set>

#include "data/tasks/qa_proxy.h"
#include "data/tasks/summary_proxy.h"
#include "gtest/gtest.h"
#include "tests/data/tasks/test_text.h"

namespace prolong::data {
namespace {

constexpr int kTarget = 1500, kGeneration = 30;

void ExpectWithin2Percent(const std::string& prompt,
                          const TokenCounter& count) {
  const int budget = kTarget - kGeneration;
  EXPECT_LE(count(prompt), budget);
  EXPECT_GE(count(prompt), 0.98 * budget);
}

TEST(QaProxyTest, ClozeFromTheKeptDocument) {
  const std::string document = Prose(400);
  for (const auto& count : {WordCounter(), CharCounter()}) {
    const auto samples =
        GenerateQaProxy({kTarget, kGeneration, 8}, document, count);
    ASSERT_EQ(samples.size(), 8u);
    std::set<int> deciles;
    for (const auto& s : samples) {
      const std::string marker = "\n\nQuestion: Fill in the blank: ";
      const size_t question = s.prompt.find(marker);
      ASSERT_NE(question, std::string::npos);
      const std::string context = s.prompt.substr(0, question);
      std::string cloze = s.prompt.substr(question + marker.size());
      ASSERT_EQ(cloze.substr(cloze.size() - 8), "\nAnswer:");
      cloze.resize(cloze.size() - 8);
      ASSERT_EQ(s.answers.size(), 1u);
      // The blank is the longest salient word: "Item{i}" or the year.
      EXPECT_EQ(Count(cloze, "____"), 1);
      std::string restored = cloze;
      restored.replace(restored.find("____"), 4, s.answers[0]);
      EXPECT_EQ(Count(context, restored), 1) << restored;
      EXPECT_EQ(context.find(cloze), std::string::npos);
      EXPECT_NE(context.find(" ... [the rest of the text is omitted]"),
                std::string::npos);
      deciles.insert(s.depth_index);
      ExpectWithin2Percent(s.prompt, count);
    }
    EXPECT_GE(deciles.size(), 7u);  // evenly spread questions
  }
}

TEST(QaProxyTest, DeterministicAndEmptyWithoutCandidates) {
  const auto a =
      GenerateQaProxy({kTarget, kGeneration, 3}, Prose(400), WordCounter());
  const auto b =
      GenerateQaProxy({kTarget, kGeneration, 3}, Prose(400), WordCounter());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].prompt, b[i].prompt);
  EXPECT_TRUE(GenerateQaProxy({kTarget, kGeneration, 3},
                              "all lower case words. nothing salient here.",
                              WordCounter())
                  .empty());
}

TEST(QaProxyTest, AnswersAreRarePlainWordsWithinOneParagraph) {
  // "Perl" occurs in every sentence (a guessable topic word), "$AoA[0]" is
  // code, and "Heading Words" has no period: none may be blanked.
  std::string document = "Heading Words\n\n";
  for (int i = 0; i < 30; ++i) {
    document +=
        "Then Perl ran $AoA[0] in Place" + std::to_string(i) + " quickly. ";
  }
  const auto samples = GenerateQaProxy({400, 10, 5}, document, WordCounter());
  ASSERT_EQ(samples.size(), 5u);
  for (const auto& s : samples) {
    EXPECT_EQ(s.answers[0].rfind("Place", 0), 0u) << s.answers[0];
    EXPECT_EQ(s.prompt.find("Fill in the blank: Heading"), std::string::npos);
  }
}

TEST(SummaryProxyTest, LeadIsTheTargetAndBodyIsTheContext) {
  std::string lead, body;
  ASSERT_TRUE(
      SplitLead("Lead line one.\nline two.\n  \nBody.\n\nMore.", &lead, &body));
  EXPECT_EQ(lead, "Lead line one.\nline two.");
  EXPECT_EQ(body, "Body.\n\nMore.");
  EXPECT_FALSE(SplitLead("no blank line", &lead, &body));

  const std::string long_doc = "A tool that mills rivers.\n\n" + Prose(400);
  const std::string short_doc = "Short lead.\n\nShort body text.";
  for (const auto& count : {WordCounter(), CharCounter()}) {
    const auto samples = GenerateSummaryProxy(
        {kTarget, kGeneration}, {long_doc, "no body", short_doc}, count);
    ASSERT_EQ(samples.size(), 2u);
    EXPECT_EQ(samples[0].answers,
              std::vector<std::string>{"A tool that mills rivers."});
    EXPECT_EQ(samples[0].prompt.find("mills rivers"), std::string::npos);
    EXPECT_NE(samples[0].prompt.find("Document:\nIn year 1000 Item0"),
              std::string::npos);
    const std::string ending =
        "omitted]\n\nNow please summarize the document.\n\nSummary:";
    EXPECT_EQ(
        samples[0].prompt.substr(samples[0].prompt.size() - ending.size()),
        ending);
    ExpectWithin2Percent(samples[0].prompt, count);
    // A short document is shown whole, untruncated.
    EXPECT_NE(samples[1].prompt.find("Document:\nShort body text.\n\n"),
              std::string::npos);
    EXPECT_EQ(samples[1].prompt.find("omitted"), std::string::npos);
  }
  EXPECT_THROW(
      GenerateSummaryProxy({kTarget, kGeneration}, {"x"}, WordCounter()),
      std::invalid_argument);
}

}  // namespace
}  // namespace prolong::data
