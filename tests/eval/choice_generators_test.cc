// The multiple-choice generators of data/tasks/multiple_choice.h.
#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <stdexcept>
#include <string>

#include "data/tasks/multiple_choice.h"

namespace prolong::data {
namespace {

// Document d: `sentences` sentences "Document d sentence k says hello.";
// every fourth document's sentences are padded to about 30 words.
std::vector<Document> Documents(int count, int sentences) {
  std::vector<Document> documents;
  for (int d = 0; d < count; ++d) {
    std::string text;
    for (int k = 0; k < sentences; ++k) {
      text += "Document " + std::to_string(d) + " sentence " +
              std::to_string(k) + " says hello";
      if (d % 4 == 3) {
        for (int w = 0; w < 24; ++w) text += " again";
      }
      text += (k % 3 == 2) ? ".\n\n" : ".  ";
    }
    documents.push_back({"doc" + std::to_string(d), text});
  }
  return documents;
}

int DocumentOf(const std::string& sentence) {
  return std::atoi(sentence.substr(sentence.find("Document ") + 9).c_str());
}

void ExpectWellFormed(const MultipleChoiceSample& sample) {
  ASSERT_EQ(sample.choices.size(), static_cast<size_t>(kMultipleChoices));
  ASSERT_GE(sample.gold, 0);
  ASSERT_LT(sample.gold, kMultipleChoices);
  std::set<std::string> distinct(sample.choices.begin(), sample.choices.end());
  EXPECT_EQ(distinct.size(), sample.choices.size());
  for (const std::string& choice : sample.choices) {
    EXPECT_EQ(choice[0], ' ');
  }
}

TEST(ContinuationChoices, GoldIsTheNextSentenceOfTheSameDocument) {
  const std::vector<Document> documents = Documents(12, 9);
  const auto samples = ContinuationChoices(documents, 40, 7);
  ASSERT_EQ(samples.size(), 40u);
  std::set<std::string> gold_seen;
  std::set<int> gold_positions;
  for (const auto& sample : samples) {
    ExpectWellFormed(sample);
    const std::string& gold = sample.choices[sample.gold];
    EXPECT_TRUE(gold_seen.insert(gold).second) << "repeated sample " << gold;
    gold_positions.insert(sample.gold);
    const int d = DocumentOf(gold);
    EXPECT_EQ(sample.source, "doc" + std::to_string(d));
    // The context ends with the sentence before the gold, of the same
    // document.
    const size_t at = gold.find(" sentence ") + 10;
    const int k = std::atoi(gold.c_str() + at);
    ASSERT_GE(k, 1);
    const std::string previous = "Document " + std::to_string(d) +
                                 " sentence " + std::to_string(k - 1) + " ";
    EXPECT_NE(sample.context.find(previous), std::string::npos)
        << sample.context << " | " << gold;
    const bool padded_gold = gold.find("again") != std::string::npos;
    for (int c = 0; c < kMultipleChoices; ++c) {
      if (c == sample.gold) continue;
      EXPECT_NE(DocumentOf(sample.choices[c]), d) << sample.choices[c];
      // Distractors come from the gold's length bucket: padded sentences
      // for a padded gold, plain ones for a plain gold.
      EXPECT_EQ(sample.choices[c].find("again") != std::string::npos,
                padded_gold)
          << gold << " | " << sample.choices[c];
    }
  }
  EXPECT_EQ(gold_positions.size(), static_cast<size_t>(kMultipleChoices));
}

TEST(ContinuationChoices, LengthGivesNothingAway) {
  // Sentences of 4 to 30 words of 2 to 9 letters.
  std::vector<Document> documents;
  uint64_t state = 1;
  const auto next = [&](int n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int>((state >> 33) % n);
  };
  for (int d = 0; d < 40; ++d) {
    std::string text;
    for (int k = 0; k < 12; ++k) {
      const int words = 4 + next(27);
      for (int w = 0; w < words; ++w) {
        text += (w == 0 ? "" : " ") + std::string(2 + next(8), 'a' + next(26));
      }
      text += ". ";
    }
    documents.push_back({"doc" + std::to_string(d), text});
  }
  const auto samples = ContinuationChoices(documents, 400, 11);
  ASSERT_GT(samples.size(), 350u);
  int shortest_is_gold = 0, longest_is_gold = 0;
  for (const auto& sample : samples) {
    size_t shortest = 0, longest = 0;
    for (size_t c = 1; c < sample.choices.size(); ++c) {
      if (sample.choices[c].size() < sample.choices[shortest].size()) {
        shortest = c;
      }
      if (sample.choices[c].size() > sample.choices[longest].size()) {
        longest = c;
      }
    }
    shortest_is_gold += static_cast<int>(shortest) == sample.gold;
    longest_is_gold += static_cast<int>(longest) == sample.gold;
  }
  // Chance is 25% (standard deviation ~2.2% here); a gold in the middle of
  // length-matched distractors would give far less.
  const double n = static_cast<double>(samples.size());
  EXPECT_NEAR(shortest_is_gold / n, 0.25, 0.08);
  EXPECT_NEAR(longest_is_gold / n, 0.25, 0.08);
}

TEST(ContinuationChoices, IsDeterministicAndSeedDependent) {
  const std::vector<Document> documents = Documents(8, 6);
  const auto a = ContinuationChoices(documents, 20, 3);
  const auto b = ContinuationChoices(documents, 20, 3);
  const auto c = ContinuationChoices(documents, 20, 4);
  ASSERT_EQ(a.size(), b.size());
  bool differs = false;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].context, b[i].context);
    EXPECT_EQ(a[i].choices, b[i].choices);
    EXPECT_EQ(a[i].gold, b[i].gold);
    differs |= a[i].choices != c[i].choices;
  }
  EXPECT_TRUE(differs);
}

TEST(ContinuationChoices, StopsWhenPositionsRunOut) {
  // 3 documents of 4 sentences: 3 positions each.
  EXPECT_EQ(ContinuationChoices(Documents(3, 4), 100, 1).size(), 9u);
}

TEST(ContinuationChoices, NeedsTwoDocuments) {
  EXPECT_THROW(ContinuationChoices(Documents(1, 10), 5, 1),
               std::invalid_argument);
}

// FOLDOC-style entries: headword lines, a blank line, "<category>" and the
// definition with {links}, then a date.
std::vector<Document> Entries(int count) {
  std::vector<Document> entries;
  for (int i = 0; i < count; ++i) {
    const std::string term = "term" + std::to_string(i);
    entries.push_back({"foldoc:" + term,
                       term + "\nalias" + std::to_string(i) +
                           "\n\n   <programming> A {" + term +
                           "} is the\n   number " + std::to_string(i) +
                           " of the {programming} things.  It is used.\n\n   "
                           "(2001-01-01)"});
  }
  entries.push_back({"foldoc:see", "see\n\n   {term1}"});  // no definition
  return entries;
}

TEST(DefinitionChoices, GoldIsTheEntrysFirstDefinitionSentence) {
  const auto samples = DefinitionChoices(Entries(30), 25, 5);
  ASSERT_EQ(samples.size(), 25u);
  std::set<std::string> terms;
  for (const auto& sample : samples) {
    ExpectWellFormed(sample);
    const std::string term = sample.source.substr(7);
    EXPECT_TRUE(terms.insert(term).second);
    EXPECT_EQ(sample.context, "Term: " + term + "\nDefinition:");
    const std::string number = term.substr(4);
    EXPECT_EQ(sample.choices[sample.gold], " A " + term + " is the number " +
                                               number +
                                               " of the programming things.");
    for (int c = 0; c < kMultipleChoices; ++c) {
      if (c != sample.gold) {
        EXPECT_EQ(sample.choices[c].find(" " + term + " "), std::string::npos);
      }
    }
  }
}

TEST(DefinitionChoices, IsDeterministic) {
  const auto a = DefinitionChoices(Entries(20), 10, 9);
  const auto b = DefinitionChoices(Entries(20), 10, 9);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].context, b[i].context);
    EXPECT_EQ(a[i].choices, b[i].choices);
  }
}

TEST(DefinitionChoices, NeedsFourUsableEntries) {
  EXPECT_THROW(DefinitionChoices(Entries(3), 5, 1), std::invalid_argument);
}

}  // namespace
}  // namespace prolong::data
