#include "experiments/eval/evaluator.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "experiments/eval/task_metric.h"

namespace prolong::eval {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
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
                     const Materials& materials,
                     std::vector<TaskTiming>* timings) {
  EvalResults results;
  const int32_t eos = tokenizer.eos_id();
  // +1 for the BOS that precedes every prompt.
  const data::TokenCounter count = [&](const std::string& text) {
    return static_cast<int>(tokenizer.Encode(text).size()) + 1;
  };
  for (const config::TaskConfig& task : config.tasks()) {
    const TaskInfo info = DescribeTask(task.kind());
    const Metric metric = MetricForTask(info.name);
    for (const int length : config.lengths()) {
      const auto task_start = Clock::now();
      TaskResult result;
      result.task = info.name;
      result.category = info.category;
      result.length = length;
      // The seed depends on the task and length so each gets fresh samples.
      const uint64_t seed =
          (config.seed() * 1000003ULL + length) * 31 + task.kind();
      const auto samples =
          GenerateTaskSamples(task, length, seed, count, materials);
      TaskTiming timing;
      timing.task = info.name;
      timing.length = length;
      timing.samples = static_cast<int>(samples.size());
      timing.generate_seconds = SecondsSince(task_start);
      model::Generator generator(model, length + task.max_new_tokens());
      for (const auto& sample : samples) {
        std::vector<int32_t> prompt = {tokenizer.bos_id()};
        const auto encoded = tokenizer.Encode(sample.prompt);
        prompt.insert(prompt.end(), encoded.begin(), encoded.end());
        const auto decode_start = Clock::now();
        Clock::time_point first_token = decode_start;
        // Called after each generated token but the last of the budget.
        const auto stop = [&](const std::vector<int32_t>& generated) {
          if (generated.size() == 1) first_token = Clock::now();
          return info.stop_at_newline &&
                 tokenizer.Decode({generated.back()}).find('\n') !=
                     std::string::npos;
        };
        const auto generated =
            generator.Greedy(prompt, task.max_new_tokens(), {eos}, stop);
        const auto decode_end = Clock::now();
        if (generated.size() <= 1) first_token = decode_end;
        timing.prompt_tokens += static_cast<int64_t>(prompt.size());
        timing.prefill_seconds +=
            std::chrono::duration<double>(first_token - decode_start).count();
        timing.decode_tokens +=
            std::max<int64_t>(0, static_cast<int64_t>(generated.size()) - 1);
        timing.decode_seconds +=
            std::chrono::duration<double>(decode_end - first_token).count();
        std::string prediction = tokenizer.Decode(generated);
        if (info.stop_at_newline)
          prediction = prediction.substr(0, prediction.find('\n'));
        result.prompt_tokens.push_back(static_cast<int32_t>(prompt.size()));
        result.depth_index.push_back(sample.depth_index);
        result.scores.push_back(
            ScorePrediction(metric, prediction, sample.answers, sample.qrels));
        result.predictions.push_back(prediction);
        result.answers.push_back(JoinAnswers(sample.answers));
      }
      timing.total_seconds = SecondsSince(task_start);
      std::fprintf(stderr,
                   "[eval] %s at %d tokens: %zu samples, score %.1f, %.1f s\n",
                   result.task.c_str(), length, samples.size(),
                   result.MeanScore(), timing.total_seconds);
      results.tasks.push_back(std::move(result));
      if (timings != nullptr) timings->push_back(timing);
    }
  }
  return results;
}

}  // namespace prolong::eval
