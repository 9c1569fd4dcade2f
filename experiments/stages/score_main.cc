// Scores predictions files with HELMET's metrics (experiments/eval/
// task_metric.h), one line per file, so our metric code can be checked
// against HELMET's own outputs.
//
//   score kilt_nq=kilt_nq_out.json msmarco_rerank_psg=rerank.jsonl ...
//
// Each argument is TASK=FILE: TASK is a HELMET dataset name or one of ours
// (it picks the metric), FILE is HELMET's output file or JSON Lines
// (experiments/eval/score_jsonl.h). Prints "task metric rows score" with
// the score as HELMET reports it (mean x 100).
#include <gflags/gflags.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "experiments/eval/score_jsonl.h"
#include "experiments/eval/task_metric.h"
#include "experiments/stages/stage_main.h"

namespace prolong::stages {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// argv's TASK=FILE entries; RunStage's flag parsing may have moved flags
// (which start with '-') behind them.
void Score(int argc, char** argv) {
  std::vector<std::string> entries;
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] != '-') entries.push_back(argv[i]);
  }
  if (entries.empty()) {
    throw std::invalid_argument(
        "usage: score TASK=predictions.jsonl [TASK=file ...]");
  }
  std::printf("%-24s %-13s %6s %8s\n", "task", "metric", "rows", "score");
  for (const std::string& entry : entries) {
    const size_t equals = entry.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw std::invalid_argument("\"" + entry + "\" is not TASK=FILE");
    }
    const std::string task = entry.substr(0, equals);
    const std::string path = entry.substr(equals + 1);
    eval::PredictionsScore score;
    try {
      score = eval::ScorePredictions(task, ReadFile(path));
    } catch (const std::exception& error) {
      throw std::runtime_error(path + ": " + error.what());
    }
    std::printf("%-24s %-13s %6d %8.2f\n", task.c_str(),
                eval::MetricName(eval::MetricForTask(task)), score.rows,
                score.score);
  }
}

}  // namespace
}  // namespace prolong::stages

int main(int argc, char** argv) {
  return prolong::stages::RunStage(
      argc, argv, "Scores predictions files with HELMET's metrics.",
      [&]() { prolong::stages::Score(argc, argv); });
}
