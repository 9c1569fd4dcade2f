#include "data/tasks/niah_multivalue.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "data/rng.h"
#include "data/tasks/fit.h"
#include "data/tasks/ruler_needle.h"
#include "data/tasks/sentences.h"

namespace prolong::data {

std::vector<int> NiahDepthPercents() {
  std::vector<int> depths;
  for (int i = 0; i < kNiahDepths; ++i) {
    // 100 * i / 39 is never a tie, so round-half-even (numpy) = lround.
    depths.push_back(
        static_cast<int>(std::lround(100.0 * i / (kNiahDepths - 1))));
  }
  return depths;
}

std::vector<EvalSample> GenerateNiahMultivalue(
    const NiahMultivalueOptions& options, const std::string& haystack,
    const TokenCounter& count_tokens) {
  if (options.num_values < 1 || options.num_values > kNiahDepths) {
    throw std::invalid_argument("RULER niah: num_values must be in 1.." +
                                std::to_string(kNiahDepths));
  }
  const std::vector<std::string> text_words = SplitWords(haystack);
  if (text_words.empty()) {
    throw std::invalid_argument("RULER niah_multivalue: empty haystack text");
  }
  const NeedleType type{"numbers"};
  const int budget = options.target_tokens - options.generation_tokens;
  const std::vector<int> all_depths = NiahDepthPercents();
  std::vector<EvalSample> samples;
  for (int index = 0; index < options.num_samples; ++index) {
    Rng rng(options.seed, static_cast<uint64_t>(index));
    const std::string key = RandomWordKey(&rng);
    std::vector<std::string> values, needles;
    while (static_cast<int>(values.size()) < options.num_values) {
      std::string value = RandomSevenDigits(&rng);
      if (std::find(values.begin(), values.end(), value) != values.end()) {
        continue;
      }
      needles.push_back(NeedleSentence(type, key, value));
      values.push_back(std::move(value));
    }
    rng.Shuffle(&needles);
    std::vector<int> depths = all_depths;
    rng.Shuffle(&depths);
    depths.resize(options.num_values);
    std::sort(depths.begin(), depths.end());

    std::vector<std::string> words;
    auto prompt = [&](int n) {
      while (static_cast<int>(words.size()) < n) {
        words.push_back(text_words[words.size() % text_words.size()]);
      }
      const auto sentences = SplitSentences(JoinWords(words, 0, n));
      const int count = static_cast<int>(sentences.size());
      std::vector<int> cuts = {0};
      // Python: int(len(sentences) * (depth / 100)), in floating point.
      for (const int depth : depths) {
        cuts.push_back(static_cast<int>(count * (depth / 100.0)));
      }
      cuts.push_back(count);
      std::vector<std::string> pieces;
      for (size_t i = 1; i < cuts.size(); ++i) {
        pieces.push_back(JoinWords(sentences, cuts[i - 1], cuts[i]));
        if (i - 1 < needles.size()) pieces.push_back(needles[i - 1]);
      }
      return NiahPrompt(type, /*multi_value=*/options.num_values > 1,
                        JoinWords(pieces, 0, pieces.size()), key);
    };
    auto fits = [&](int n) { return count_tokens(prompt(n)) <= budget; };
    const int empty = count_tokens(prompt(0));
    if (empty > budget) {
      throw std::runtime_error(
          "RULER niah_multivalue: the needles alone do not fit in " +
          std::to_string(options.target_tokens) + " tokens");
    }
    constexpr int kProbeWords = 200;
    const double per_word =
        std::max(1, count_tokens(prompt(kProbeWords)) - empty) /
        static_cast<double>(kProbeWords);
    const int n = LargestFitting(
        0, budget, static_cast<int>((budget - empty) / per_word), fits);
    EvalSample sample;
    sample.prompt = prompt(n);
    sample.answers = values;
    if (options.num_values == 1)
      sample.depth_index = std::min(9, depths[0] / 10);
    samples.push_back(std::move(sample));
  }
  return samples;
}

}  // namespace prolong::data
