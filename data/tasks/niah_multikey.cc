#include "data/tasks/niah_multikey.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "data/rng.h"
#include "data/tasks/fit.h"
#include "data/tasks/ruler_needle.h"
#include "data/tasks/uuid.h"

namespace prolong::data {
namespace {

struct KeyValue {
  std::string key, value;
};

KeyValue RandomKeyValue(NiahMultikeyKind kind, Rng* rng) {
  if (kind == NiahMultikeyKind::kUuids) {
    std::string key = RandomUuid4(rng);
    return {key, RandomUuid4(rng)};
  }
  std::string key = RandomWordKey(rng);
  return {key, RandomSevenDigits(rng)};
}

}  // namespace

std::vector<EvalSample> GenerateNiahMultikey(const NiahMultikeyOptions& options,
                                             const TokenCounter& count_tokens) {
  const NeedleType type{options.kind == NiahMultikeyKind::kUuids ? "uuids"
                                                                 : "numbers"};
  const int budget = options.target_tokens - options.generation_tokens;
  std::vector<EvalSample> samples;
  for (int index = 0; index < options.num_samples; ++index) {
    Rng rng(options.seed, static_cast<uint64_t>(index));
    const KeyValue gold = RandomKeyValue(options.kind, &rng);
    const std::string gold_needle = NeedleSentence(type, gold.key, gold.value);
    const double gold_fraction = rng.Uniform();
    std::vector<std::string> distractors;
    // The gold line's index among n distractors + 1 lines.
    auto gold_line = [&](int n) {
      return static_cast<int>(gold_fraction * (n + 1));
    };
    auto prompt = [&](int n) {
      while (static_cast<int>(distractors.size()) < n) {
        KeyValue kv = RandomKeyValue(options.kind, &rng);
        if (kv.key == gold.key) continue;
        distractors.push_back(NeedleSentence(type, kv.key, kv.value));
      }
      std::string context;
      const int gold_at = gold_line(n);
      for (int line = 0, d = 0; line <= n; ++line) {
        if (line > 0) context += '\n';
        context += line == gold_at ? gold_needle : distractors[d++];
      }
      return NiahPrompt(type, /*multi_value=*/false, context, gold.key);
    };
    auto fits = [&](int n) { return count_tokens(prompt(n)) <= budget; };
    const int empty = count_tokens(prompt(0));
    const int per_line = std::max(1, count_tokens(prompt(1)) - empty);
    const int n = LargestFitting(0, std::max(0, budget),
                                 (budget - empty) / per_line, fits);
    if (n < 1) {
      throw std::runtime_error(
          "RULER niah_multikey: not even one haystack "
          "line fits in " +
          std::to_string(options.target_tokens) + " tokens");
    }
    EvalSample sample;
    sample.prompt = prompt(n);
    sample.answers = {gold.value};
    sample.depth_index = std::min(9, gold_line(n) * 10 / (n + 1));
    samples.push_back(std::move(sample));
  }
  return samples;
}

}  // namespace prolong::data
