#include "experiments/eval/evaluator.h"

#include <cstdio>
#include <stdexcept>

#include "data/tasks/json_kv.h"
#include "experiments/eval/metrics.h"

namespace prolong::eval {
namespace {

std::string TaskName(config::TaskKind kind) {
  switch (kind) {
    case config::JSON_KV:
      return "json_kv";
    default:
      throw std::runtime_error("unsupported task kind " +
                               config::TaskKind_Name(kind));
  }
}

std::string Category(config::TaskKind kind) {
  switch (kind) {
    case config::JSON_KV:
      return "Recall";
    default:
      throw std::runtime_error("unsupported task kind " +
                               config::TaskKind_Name(kind));
  }
}

std::vector<data::EvalSample> Generate(const config::TaskConfig& task,
                                       int length, uint64_t seed,
                                       const data::BpeTokenizer& tokenizer) {
  // +1 for the BOS that precedes every prompt.
  const data::TokenCounter count = [&](const std::string& text) {
    return static_cast<int>(tokenizer.Encode(text).size()) + 1;
  };
  switch (task.kind()) {
    case config::JSON_KV:
      return data::GenerateJsonKv(
          {length, task.max_new_tokens(), task.shots(), task.samples(), seed},
          count);
    default:
      throw std::runtime_error("unsupported task kind " +
                               config::TaskKind_Name(task.kind()));
  }
}

double Score(config::TaskKind kind, const std::string& prediction,
             const std::vector<std::string>& answers) {
  switch (kind) {
    case config::JSON_KV:
      return JsonKvScore(prediction, answers);
    default:
      throw std::runtime_error("unsupported task kind " +
                               config::TaskKind_Name(kind));
  }
}

std::string JoinAnswers(const std::vector<std::string>& answers) {
  std::string out;
  for (const auto& answer : answers) out += (out.empty() ? "" : " | ") + answer;
  return out;
}

}  // namespace

EvalResults Evaluate(const config::EvalConfig& config,
                     const model::Llama& model,
                     const data::BpeTokenizer& tokenizer) {
  EvalResults results;
  const int32_t eos = tokenizer.eos_id();
  for (const config::TaskConfig& task : config.tasks()) {
    for (const int length : config.lengths()) {
      TaskResult result;
      result.task = TaskName(task.kind());
      result.category = Category(task.kind());
      result.length = length;
      // The seed depends on the length so each length gets fresh objects.
      const uint64_t seed = config.seed() * 1000003ULL + length;
      const auto samples = Generate(task, length, seed, tokenizer);
      model::Generator generator(model, length + task.max_new_tokens());
      for (size_t i = 0; i < samples.size(); ++i) {
        const auto& sample = samples[i];
        std::vector<int32_t> prompt = {tokenizer.bos_id()};
        const auto encoded = tokenizer.Encode(sample.prompt);
        prompt.insert(prompt.end(), encoded.begin(), encoded.end());
        const auto generated =
            generator.Greedy(prompt, task.max_new_tokens(), {eos});
        const std::string prediction = tokenizer.Decode(generated);
        result.prompt_tokens.push_back(static_cast<int32_t>(prompt.size()));
        result.depth_index.push_back(sample.depth_index);
        result.scores.push_back(Score(task.kind(), prediction, sample.answers));
        result.predictions.push_back(prediction);
        result.answers.push_back(JoinAnswers(sample.answers));
      }
      std::fprintf(stderr, "[eval] %s at %d tokens: %zu samples, score %.1f\n",
                   result.task.c_str(), length, samples.size(),
                   result.MeanScore());
      results.tasks.push_back(std::move(result));
    }
  }
  return results;
}

}  // namespace prolong::eval
