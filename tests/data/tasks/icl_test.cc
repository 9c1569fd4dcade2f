#include "data/tasks/icl.h"

#include <map>
#include <set>

#include "gtest/gtest.h"
#include "tests/data/tasks/test_text.h"

namespace prolong::data {
namespace {

constexpr int kTarget = 2000, kGeneration = 20;
constexpr int kLabels = 5;

// 12 examples per label; texts are unique.
std::vector<LabelledText> Dataset() {
  std::vector<LabelledText> data;
  for (int i = 0; i < 12 * kLabels; ++i) {
    data.push_back({"question number " + std::to_string(i) + " about topic " +
                        std::to_string(i % kLabels),
                    "class_" + std::string(1, 'a' + i % kLabels)});
  }
  return data;
}

struct Demo {
  std::string text;
  std::string label;
};

// The demos and the test text of an ICL prompt.
std::vector<Demo> Demos(const std::string& prompt, std::string* test) {
  const std::string header = "and nothing else. \n\n";
  std::string body = prompt.substr(prompt.find(header) + header.size());
  std::vector<Demo> demos;
  while (true) {
    const size_t newline = body.find('\n');
    const size_t end = body.find("\n\n");
    if (end == std::string::npos) {
      *test = body.substr(0, newline);
      EXPECT_EQ(body.substr(newline), "\nlabel:");
      return demos;
    }
    const std::string label_line = body.substr(newline + 1, end - newline - 1);
    EXPECT_EQ(label_line.rfind("label: ", 0), 0u);
    demos.push_back({body.substr(0, newline), label_line.substr(7)});
    body = body.substr(end + 2);
  }
}

TEST(IclTest, BalancedRoundsConsistentMappingAndLength) {
  const auto data = Dataset();
  std::map<std::string, std::string> label_of;
  for (const auto& d : data) label_of[d.text] = d.label;
  for (const auto& count : {WordCounter(), CharCounter()}) {
    const auto samples =
        GenerateIcl({kTarget, kGeneration, 10, 42}, data, count);
    ASSERT_EQ(samples.size(), 10u);
    std::map<std::string, int> test_labels;
    std::set<std::string> mappings;
    for (const auto& s : samples) {
      std::string test;
      const auto demos = Demos(s.prompt, &test);
      ++test_labels[label_of.at(test)];
      ASSERT_GE(demos.size(), 2u * kLabels);
      // One mapping: original label -> integer, a bijection onto 0..4.
      std::map<std::string, std::string> mapping;
      std::set<std::string> ints;
      for (const auto& d : demos) {
        EXPECT_NE(d.text, test);
        const auto [it, added] = mapping.emplace(label_of.at(d.text), d.label);
        EXPECT_EQ(it->second, d.label);
        if (added) ints.insert(d.label);
      }
      EXPECT_EQ(ints, (std::set<std::string>{"0", "1", "2", "3", "4"}));
      EXPECT_EQ(s.answers,
                std::vector<std::string>{mapping.at(label_of.at(test))});
      std::string key;
      for (const auto& [label, n] : mapping) key += n;
      mappings.insert(key);
      // Every full round holds each label once.
      for (size_t r = 0; r + kLabels <= demos.size(); r += kLabels) {
        std::set<std::string> round;
        for (size_t i = r; i < r + kLabels; ++i) round.insert(demos[i].label);
        EXPECT_EQ(round.size(), static_cast<size_t>(kLabels));
      }
      const int budget = kTarget - kGeneration;
      EXPECT_LE(count(s.prompt), budget);
      EXPECT_GE(count(s.prompt), 0.98 * budget);
    }
    // Test items are label-balanced: 10 items over 5 labels.
    for (const auto& [label, n] : test_labels) EXPECT_EQ(n, 2) << label;
    EXPECT_GT(mappings.size(), 1u);  // the mapping is per item
  }
}

TEST(IclTest, SameDemosForEveryItemAndDeterministic) {
  const auto data = Dataset();
  const auto a =
      GenerateIcl({kTarget, kGeneration, 6, 42}, data, WordCounter());
  const auto b =
      GenerateIcl({kTarget, kGeneration, 6, 42}, data, WordCounter());
  const auto c =
      GenerateIcl({kTarget, kGeneration, 6, 43}, data, WordCounter());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].prompt, b[i].prompt);
  EXPECT_NE(a[0].prompt, c[0].prompt);
  std::string t0, t1;
  const auto d0 = Demos(a[0].prompt, &t0), d1 = Demos(a[1].prompt, &t1);
  for (size_t i = 0; i < std::min(d0.size(), d1.size()); ++i) {
    EXPECT_EQ(d0[i].text, d1[i].text);
  }
}

TEST(IclTest, Rejections) {
  std::vector<LabelledText> one_label = {{"a", "x"}, {"b", "x"}};
  EXPECT_THROW(
      GenerateIcl({kTarget, kGeneration, 1, 42}, one_label, WordCounter()),
      std::invalid_argument);
  EXPECT_THROW(GenerateIcl({30, 10, 1, 42}, Dataset(), WordCounter()),
               std::runtime_error);
}

}  // namespace
}  // namespace prolong::data
