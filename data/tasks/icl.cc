#include "data/tasks/icl.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <stdexcept>

#include "data/rng.h"
#include "data/tasks/fit.h"

namespace prolong::data {
namespace {

constexpr uint64_t kTestStream = 0;
constexpr uint64_t kDemoStream = 1;

// FNV-1a: a stable per-item seed from the item's text (HELMET: sha256).
uint64_t TextHash(const std::string& text) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (const unsigned char c : text) hash = (hash ^ c) * 0x100000001b3ULL;
  return hash;
}

std::string IclPrompt(const std::string& demos, const std::string& text) {
  return "Use the provided mapping from the text to label to assign a label "
         "to the text. Only output \"label: {label}\" and nothing else. "
         "\n\n" +
         demos + "\n\n" + text + "\nlabel:";
}

}  // namespace

std::vector<EvalSample> GenerateIcl(const IclOptions& options,
                                    const std::vector<LabelledText>& dataset,
                                    const TokenCounter& count_tokens) {
  std::map<std::string, std::vector<int>> by_label;
  for (int i = 0; i < static_cast<int>(dataset.size()); ++i) {
    by_label[dataset[i].label].push_back(i);
  }
  const int num_labels = static_cast<int>(by_label.size());
  if (num_labels < 2) {
    throw std::invalid_argument("ICL: the data set needs at least 2 labels");
  }
  std::map<std::string, int> label_index;
  std::vector<std::vector<int>> groups;
  Rng split_rng(options.seed, kTestStream);
  for (auto& [label, members] : by_label) {
    label_index[label] = static_cast<int>(groups.size());
    split_rng.Shuffle(&members);
    groups.push_back(members);
  }
  // Test items: round robin over the labels, leaving one example per label.
  std::vector<int> tests;
  std::vector<size_t> taken(num_labels, 0);
  for (bool progress = true; progress;) {
    progress = false;
    for (int l = 0; l < num_labels; ++l) {
      if (static_cast<int>(tests.size()) == options.num_samples) break;
      if (taken[l] + 1 < groups[l].size()) {
        tests.push_back(groups[l][taken[l]++]);
        progress = true;
      }
    }
  }
  split_rng.Shuffle(&tests);
  // Demonstrations: round r holds example r (cycling) of every label's
  // remaining pool, in shuffled label order; generated as needed.
  Rng demo_rng(options.seed, kDemoStream);
  std::vector<int> demos;
  auto demos_up_to = [&](int n) {
    while (static_cast<int>(demos.size()) < n) {
      const size_t round = demos.size() / num_labels;
      std::vector<int> order(num_labels);
      std::iota(order.begin(), order.end(), 0);
      demo_rng.Shuffle(&order);
      for (const int l : order) {
        const size_t pool = groups[l].size() - taken[l];
        demos.push_back(groups[l][taken[l] + round % pool]);
      }
    }
  };

  const int budget = options.target_tokens - options.generation_tokens;
  std::vector<EvalSample> samples;
  int guess = 0;
  for (const int test : tests) {
    std::vector<int> mapping(num_labels);
    std::iota(mapping.begin(), mapping.end(), 0);
    Rng mapping_rng(options.seed, TextHash(dataset[test].text));
    mapping_rng.Shuffle(&mapping);
    auto label_of = [&](int example) {
      return std::to_string(mapping[label_index.at(dataset[example].label)]);
    };
    auto prompt = [&](int n) {
      demos_up_to(n);
      std::string context;
      for (int i = 0; i < n; ++i) {
        if (i > 0) context += "\n\n";
        context += dataset[demos[i]].text + "\nlabel: " + label_of(demos[i]);
      }
      return IclPrompt(context, dataset[test].text);
    };
    auto fits = [&](int n) { return count_tokens(prompt(n)) <= budget; };
    if (guess == 0) {
      const int empty = count_tokens(prompt(0));
      const int per_round =
          std::max(1, count_tokens(prompt(num_labels)) - empty);
      guess = (budget - empty) * num_labels / per_round;
    }
    const int n = LargestFitting(1, std::max(1, budget), guess, fits);
    if (n < 1) {
      throw std::runtime_error("ICL: not even one demonstration fits in " +
                               std::to_string(options.target_tokens) +
                               " tokens");
    }
    guess = n;
    EvalSample sample;
    sample.prompt = prompt(n);
    sample.answers = {label_of(test)};
    samples.push_back(std::move(sample));
  }
  return samples;
}

}  // namespace prolong::data
