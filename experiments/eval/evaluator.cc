#include "experiments/eval/evaluator.h"

#include <cstdio>
#include <stdexcept>

#include "data/tasks/json_kv.h"
#include "data/tasks/niah_multikey.h"
#include "data/tasks/niah_multivalue.h"
#include "experiments/eval/task_metric.h"

namespace prolong::eval {
namespace {

// HELMET's dataset name and category of each task kind.
struct TaskInfo {
  std::string name;
  std::string category;
};

TaskInfo Describe(config::TaskKind kind) {
  switch (kind) {
    case config::JSON_KV:
      return {"json_kv", "Recall"};
    case config::RULER_NIAH_MK2:
      return {"ruler_niah_mk_2", "Recall"};
    case config::RULER_NIAH_MK3:
      return {"ruler_niah_mk_3", "Recall"};
    case config::RULER_NIAH_MV:
      return {"ruler_niah_mv", "Recall"};
    default:
      throw std::runtime_error("unsupported task kind " +
                               config::TaskKind_Name(kind));
  }
}

const data::Corpus& Material(const config::TaskConfig& task,
                             const Materials& materials) {
  const auto found = materials.find(task.material());
  if (found == materials.end()) {
    throw std::runtime_error("task " + config::TaskKind_Name(task.kind()) +
                             " needs material \"" + task.material() +
                             "\", which was not given (--materials)");
  }
  return found->second;
}

std::string ConcatenatedText(const data::Corpus& corpus) {
  std::string text;
  for (const auto& document : corpus.documents) {
    text += document.text;
    text += "\n";
  }
  return text;
}

std::vector<data::EvalSample> Generate(const config::TaskConfig& task,
                                       int length, uint64_t seed,
                                       const data::BpeTokenizer& tokenizer,
                                       const Materials& materials) {
  // +1 for the BOS that precedes every prompt.
  const data::TokenCounter count = [&](const std::string& text) {
    return static_cast<int>(tokenizer.Encode(text).size()) + 1;
  };
  switch (task.kind()) {
    case config::JSON_KV:
      return data::GenerateJsonKv(
          {length, task.max_new_tokens(), task.shots(), task.samples(), seed},
          count);
    case config::RULER_NIAH_MK2:
    case config::RULER_NIAH_MK3:
      return data::GenerateNiahMultikey(
          {task.kind() == config::RULER_NIAH_MK2
               ? data::NiahMultikeyKind::kWordKeysNumberValues
               : data::NiahMultikeyKind::kUuids,
           length, task.max_new_tokens(), task.samples(), seed},
          count);
    case config::RULER_NIAH_MV:
      return data::GenerateNiahMultivalue(
          {length, task.max_new_tokens(), task.samples(), seed},
          ConcatenatedText(Material(task, materials)), count);
    default:
      throw std::runtime_error("unsupported task kind " +
                               config::TaskKind_Name(task.kind()));
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
                     const data::BpeTokenizer& tokenizer,
                     const Materials& materials) {
  EvalResults results;
  const int32_t eos = tokenizer.eos_id();
  for (const config::TaskConfig& task : config.tasks()) {
    const TaskInfo info = Describe(task.kind());
    const Metric metric = MetricForTask(info.name);
    for (const int length : config.lengths()) {
      TaskResult result;
      result.task = info.name;
      result.category = info.category;
      result.length = length;
      // The seed depends on the task and length so each gets fresh samples.
      const uint64_t seed =
          (config.seed() * 1000003ULL + length) * 31 + task.kind();
      const auto samples = Generate(task, length, seed, tokenizer, materials);
      model::Generator generator(model, length + task.max_new_tokens());
      for (const auto& sample : samples) {
        std::vector<int32_t> prompt = {tokenizer.bos_id()};
        const auto encoded = tokenizer.Encode(sample.prompt);
        prompt.insert(prompt.end(), encoded.begin(), encoded.end());
        const auto generated =
            generator.Greedy(prompt, task.max_new_tokens(), {eos});
        const std::string prediction = tokenizer.Decode(generated);
        result.prompt_tokens.push_back(static_cast<int32_t>(prompt.size()));
        result.depth_index.push_back(sample.depth_index);
        result.scores.push_back(
            ScorePrediction(metric, prediction, sample.answers, sample.qrels));
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
