#include "data/tasks/icl_datasets.h"

#include <map>
#include <set>
#include <stdexcept>

#include "gtest/gtest.h"

namespace prolong::data {
namespace {

// A FOLDOC entry as the dictd reader stores it.
Document Entry(const std::string& headword, const std::string& definition) {
  return {"foldoc:" + headword,
          headword + "\n\n   " + definition + "\n\n   (2001-01-01)"};
}

std::vector<Document> Foldoc() {
  std::vector<Document> docs;
  // Category "c" + 'a' + i has 10 - i entries ("cg".."cj" are the least
  // frequent).
  for (int c = 0; c < 10; ++c) {
    for (int i = 0; i < 10 - c; ++i) {
      docs.push_back(Entry("Term" + std::to_string(c) + "x" + std::to_string(i),
                           "<c" + std::string(1, static_cast<char>('a' + c)) +
                               "> A {thing} about <other> stuff.  More "
                               "text here."));
    }
  }
  docs.push_back(Entry("Two", "<ca, cb> Two categories."));
  docs.push_back(Entry("Stacked", "<ca> <cb> Two markers."));
  docs.push_back(Entry("None", "No category at all."));
  return docs;
}

TEST(FoldocCategoryTextsTest, MostFrequentSingleCategoriesWithoutMarkers) {
  const auto texts = FoldocCategoryTexts(Foldoc());
  std::map<std::string, int> per_label;
  for (const auto& item : texts) {
    ++per_label[item.label];
    EXPECT_EQ(item.text.find('<'), std::string::npos) << item.text;
    EXPECT_EQ(item.text.find('{'), std::string::npos) << item.text;
  }
  const std::map<std::string, int> expected = {
      {"ca", 10}, {"cb", 9}, {"cc", 8}, {"cd", 7}, {"ce", 6}, {"cf", 5}};
  EXPECT_EQ(per_label, expected);
  EXPECT_EQ(texts[0].text, "Term0x0: A thing about stuff.");
}

TEST(FoldocCategoryTextsTest, LongDefinitionsAreCut) {
  std::string words;
  for (int i = 0; i < 40; ++i) words += " w" + std::to_string(i);
  const auto texts = FoldocCategoryTexts(
      {Entry("A", "<x>" + words + "."), Entry("B", "<y> b.")});
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_EQ(texts[0].text.substr(texts[0].text.rfind(' ') + 1), "w23");
}

TEST(FoldocCategoryTextsTest, RejectsOtherCorpora) {
  EXPECT_THROW(FoldocCategoryTexts({{"a", "plain text"}}),
               std::invalid_argument);
}

TEST(PerlFaqSectionTextsTest, LabelIsTheSectionTextTheQuestion) {
  const std::vector<Document> faq = {
      {"perlfaq4.pod#1", "How do I use C<sort>?\n\nAnswer B<here>."},
      {"perlfaq8.pod#2", "Why E<lt>*E<gt>?\n\nBecause."},
      {"README", "not a FAQ entry"}};
  const auto texts = PerlFaqSectionTexts(faq);
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_EQ(texts[0].label, "perlfaq4");
  EXPECT_EQ(texts[0].text, "How do I use sort?");
  EXPECT_EQ(texts[1].label, "perlfaq8");
  EXPECT_EQ(texts[1].text, "Why <*>?");
  EXPECT_THROW(PerlFaqSectionTexts({faq[0]}), std::invalid_argument);
}

TEST(IclDatasetsTest, GeneratedTestItemsAreLabelBalanced) {
  const auto texts = FoldocCategoryTexts(Foldoc());
  std::map<std::string, std::string> label_of;
  for (const auto& item : texts) label_of[item.text] = item.label;
  const auto count = [](const std::string& text) {
    return static_cast<int>(text.size() / 4) + 1;
  };
  const auto samples = GenerateIcl({600, 10, 12, 3}, texts, count);
  ASSERT_EQ(samples.size(), 12u);
  std::map<std::string, int> per_label;
  for (const auto& sample : samples) {
    const size_t end = sample.prompt.rfind("\nlabel:");
    const size_t begin = sample.prompt.rfind("\n\n", end) + 2;
    ++per_label[label_of.at(sample.prompt.substr(begin, end - begin))];
  }
  EXPECT_EQ(per_label.size(), 6u);
  for (const auto& [label, n] : per_label) EXPECT_EQ(n, 2) << label;
}

}  // namespace
}  // namespace prolong::data
