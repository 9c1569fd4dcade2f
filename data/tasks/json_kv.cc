#include "data/tasks/json_kv.h"

#include <cmath>
#include <stdexcept>

namespace prolong::data {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

std::string JsonKvPrompt(const Pairs& pairs, int pair_count, int gold,
                         const std::vector<int>& demos) {
  std::string prompt = "JSON data:\n{";
  for (int i = 0; i < pair_count; ++i) {
    if (i > 0) prompt += ",\n ";
    prompt += "\"" + pairs[i].first + "\": \"" + pairs[i].second + "\"";
  }
  prompt +=
      "}\n\nExtract the value corresponding to the specified key in the JSON "
      "object below.\n\n";
  for (const int d : demos) {
    prompt += "Key: \"" + pairs[d].first +
              "\"\nCorresponding value: " + pairs[d].second + "\n\n";
  }
  prompt += "Key: \"" + pairs[gold].first + "\"\nCorresponding value:";
  return prompt;
}

int GoldPosition(int depth_index, int pair_count) {
  return static_cast<int>(std::lround(static_cast<double>(depth_index) *
                                      (pair_count - 1) / (kJsonKvDepths - 1)));
}

// Demonstration keys: `shots` positions other than the gold, chosen at random.
std::vector<int> DemoPositions(int gold, int pair_count, int shots, Rng* rng) {
  std::vector<int> demos;
  while (static_cast<int>(demos.size()) < std::min(shots, pair_count - 1)) {
    const int d = static_cast<int>(rng->Below(pair_count));
    if (d == gold) continue;
    bool repeated = false;
    for (int e : demos) repeated |= e == d;
    if (!repeated) demos.push_back(d);
  }
  return demos;
}

}  // namespace

std::vector<EvalSample> GenerateJsonKv(const JsonKvOptions& options,
                                       const TokenCounter& count_tokens) {
  const int budget = options.target_tokens - options.generation_tokens;
  const int objects = (options.num_samples + kJsonKvDepths - 1) / kJsonKvDepths;
  std::vector<EvalSample> samples;
  for (int object = 0; object < objects; ++object) {
    Rng rng(options.seed, static_cast<uint64_t>(object));
    Pairs pairs;
    auto grow_to = [&](int n) {
      while (static_cast<int>(pairs.size()) < n) {
        std::string key = RandomUuid4(&rng);
        pairs.emplace_back(std::move(key), RandomUuid4(&rng));
      }
    };
    // Size the object with one representative prompt (gold first, the last
    // keys as demos); every depth's prompt is checked below.
    auto fits = [&](int n) {
      grow_to(n);
      std::vector<int> demos;
      for (int i = 0; i < options.shots && i < n - 1; ++i) {
        demos.push_back(n - 1 - i);
      }
      return count_tokens(JsonKvPrompt(pairs, n, 0, demos)) <= budget;
    };
    const int minimum = options.shots + 1;
    if (!fits(minimum)) {
      throw std::runtime_error(
          "JSON KV: even " + std::to_string(minimum) + " pairs do not fit in " +
          std::to_string(options.target_tokens) + " tokens with " +
          std::to_string(options.generation_tokens) +
          " reserved for the answer");
    }
    int lo = minimum, hi = minimum * 2;
    while (fits(hi)) {
      lo = hi;
      hi *= 2;
    }
    while (hi - lo > 1) {
      const int mid = (lo + hi) / 2;
      (fits(mid) ? lo : hi) = mid;
    }
    // Prompts of other depths tokenize a little differently: shrink the
    // object until every depth's prompt fits.
    int pair_count = lo;
    while (true) {
      std::vector<EvalSample> object_samples;
      bool all_fit = true;
      Rng demo_rng(options.seed ^ 0x64656d6fULL, static_cast<uint64_t>(object));
      for (int depth = 0; depth < kJsonKvDepths; ++depth) {
        const int gold = GoldPosition(depth, pair_count);
        const std::vector<int> demos =
            DemoPositions(gold, pair_count, options.shots, &demo_rng);
        EvalSample sample{JsonKvPrompt(pairs, pair_count, gold, demos),
                          {pairs[gold].second},
                          depth};
        all_fit &= count_tokens(sample.prompt) <= budget;
        object_samples.push_back(std::move(sample));
      }
      if (all_fit || pair_count == minimum) {
        samples.insert(samples.end(), object_samples.begin(),
                       object_samples.end());
        break;
      }
      --pair_count;
    }
  }
  return samples;
}

}  // namespace prolong::data
