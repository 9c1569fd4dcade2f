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

// A package as the debian_packages reader stores it.
Document Package(const std::string& name, const std::string& section,
                 const std::string& description) {
  return {name, "Section: " + section + "\n" + description};
}

// Section "secI" (I = 0..11) has 20 - I packages with texts of their own;
// sec3's are in contrib. sec10 and sec11 also hold three packages each
// with a shared synopsis, which would rank them above sec9 if counted.
std::vector<Document> Packages() {
  std::vector<Document> docs = {{"README", "not a package"}};
  for (int i = 0; i < 12; ++i) {
    const std::string section = "sec" + std::to_string(i);
    for (int k = 0; k < 20 - i; ++k) {
      const std::string id = std::to_string(i) + "-" + std::to_string(k);
      docs.push_back(Package("pkg" + id, (i == 3 ? "contrib/" : "") + section,
                             "Tool number " + id +
                                 " for widgets\nMore  about it.\n\n"
                                 "  Indented line."));
    }
  }
  for (int i = 10; i < 12; ++i) {
    for (int k = 0; k < 3; ++k) {
      docs.push_back(Package("dummy" + std::to_string(i) + std::to_string(k),
                             "sec" + std::to_string(i),
                             "transitional dummy package"));
    }
  }
  return docs;
}

std::map<std::string, int> LabelCounts(const std::vector<LabelledText>& texts) {
  std::map<std::string, int> counts;
  for (const auto& item : texts) ++counts[item.label];
  return counts;
}

TEST(PackageSectionTextsTest, TheMostFrequentSectionsBalancedWithoutTheLabel) {
  const auto texts = PackageSectionTexts(Packages());
  std::map<std::string, int> expected;
  for (int i = 0; i < kPackageSections; ++i) {
    expected["sec" + std::to_string(i)] = 11;  // sec9's count
  }
  EXPECT_EQ(LabelCounts(texts), expected);
  // The synopsis and long description, whitespace collapsed; no Section
  // line, no shared synopsis.
  const std::string tail = " for widgets More about it. Indented line.";
  for (const auto& item : texts) {
    EXPECT_EQ(item.text.rfind("Tool number ", 0), 0u) << item.text;
    ASSERT_GT(item.text.size(), tail.size());
    EXPECT_EQ(item.text.substr(item.text.size() - tail.size()), tail);
    EXPECT_EQ(item.text.find("sec"), std::string::npos) << item.text;
  }
}

TEST(PackageSectionTextsTest, EverySectionIsCutToTheSameNumber) {
  std::vector<Document> docs;
  for (int i = 0; i <= kPackageSections; ++i) {
    for (int k = 0; k < kPackageSectionTexts + 5 * (kPackageSections - i);
         ++k) {
      const std::string id = std::to_string(i) + "-" + std::to_string(k);
      docs.push_back(
          Package("pkg" + id, "s" + std::to_string(i), "Text " + id));
    }
  }
  const auto texts = PackageSectionTexts(docs);
  const auto counts = LabelCounts(texts);
  ASSERT_EQ(counts.size(), static_cast<size_t>(kPackageSections));
  EXPECT_EQ(counts.count("s" + std::to_string(kPackageSections)), 0u);
  for (const auto& [label, n] : counts) {
    EXPECT_EQ(n, kPackageSectionTexts) << label;
  }
  // Deterministic, and the same subset whatever the corpus order.
  EXPECT_EQ(PackageSectionTexts(docs).size(), texts.size());
  std::vector<Document> reversed(docs.rbegin(), docs.rend());
  std::set<std::string> forward_texts, reversed_texts;
  for (const auto& item : texts) forward_texts.insert(item.text);
  for (const auto& item : PackageSectionTexts(reversed)) {
    reversed_texts.insert(item.text);
  }
  EXPECT_EQ(forward_texts, reversed_texts);
  // Not the first packages in corpus order: s0 keeps some of its last 50.
  int late = 0;
  for (int k = kPackageSectionTexts; k < kPackageSectionTexts + 50; ++k) {
    late += forward_texts.count("Text 0-" + std::to_string(k));
  }
  EXPECT_GT(late, 0);
}

TEST(PackageSectionTextsTest, RejectsOtherCorpora) {
  EXPECT_THROW(PackageSectionTexts({{"a", "plain text"}}),
               std::invalid_argument);
  EXPECT_THROW(PackageSectionTexts({Package("a", "net", "One")}),
               std::invalid_argument);
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
