#include "experiments/eval/results.h"

#include <cmath>
#include <numeric>
#include <stdexcept>

#include "data/io/hdf5_file.h"

namespace prolong::eval {

bool IsPerplexityCategory(const std::string& category) {
  return category.find("erplexity") != std::string::npos;
}

double TaskResult::MeanScore() const {
  if (scores.empty()) return 0.0;
  if (IsPerplexityCategory(category)) {
    double log_sum = 0.0;
    for (const double score : scores) log_sum += std::log(score);
    return std::exp(log_sum / static_cast<double>(scores.size()));
  }
  return 100.0 * std::accumulate(scores.begin(), scores.end(), 0.0) /
         static_cast<double>(scores.size());
}

void WriteResults(const EvalResults& results, const std::string& path) {
  io::H5Writer writer(path);
  writer.WriteText("variant", results.variant);
  writer.WriteText("config", results.config);
  std::vector<std::string> tasks, categories;
  std::vector<int32_t> lengths;
  std::vector<double> scores;
  for (const TaskResult& task : results.tasks) {
    const std::string group =
        "tasks/" + task.task + "/L" + std::to_string(task.length) + "/";
    writer.Write(group + "prompt_tokens", task.prompt_tokens);
    writer.Write(group + "depth_index", task.depth_index);
    writer.Write(group + "scores", task.scores);
    writer.WriteStrings(group + "predictions", task.predictions);
    writer.WriteStrings(group + "answers", task.answers);
    tasks.push_back(task.task);
    categories.push_back(task.category);
    lengths.push_back(task.length);
    scores.push_back(task.MeanScore());
  }
  writer.WriteStrings("summary/task", tasks);
  writer.WriteStrings("summary/category", categories);
  writer.Write("summary/length", lengths);
  writer.Write("summary/score", scores);
  writer.Commit();
}

ResultsSummary ReadResultsSummary(const std::string& path) {
  io::H5Reader reader(path);
  ResultsSummary summary;
  summary.variant = reader.ReadText("variant");
  summary.config = reader.ReadText("config");
  const auto tasks = reader.ReadStrings("summary/task");
  const auto categories = reader.ReadStrings("summary/category");
  const auto lengths = reader.Read<int32_t>("summary/length");
  const auto scores = reader.Read<double>("summary/score");
  if (categories.size() != tasks.size() || lengths.size() != tasks.size() ||
      scores.size() != tasks.size()) {
    throw std::runtime_error(path + ": summary arrays differ in length");
  }
  for (size_t i = 0; i < tasks.size(); ++i) {
    summary.rows.push_back({tasks[i], categories[i], lengths[i], scores[i]});
  }
  return summary;
}

}  // namespace prolong::eval
