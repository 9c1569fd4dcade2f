#include "experiments/eval/score_jsonl.h"

#include <stdexcept>
#include <string>
#include <vector>

#include "data/json/parser.h"
#include "data/json/value.h"
#include "data/tasks/helmet_jsonl.h"
#include "experiments/eval/task_metric.h"

namespace prolong::eval {
namespace {

Qrels ReadQrels(const data::json::Value& qrel) {
  Qrels qrels;
  for (const auto& pair : qrel.AsArray()) {
    const auto& items = pair.AsArray();
    if (items.size() != 2) throw std::runtime_error("qrel: [id, grade] pairs");
    const auto& grade = items[1];
    qrels[items[0].AsString()] =
        grade.type() == data::json::Value::Type::kString
            ? std::stoi(grade.AsString())
            : static_cast<int>(grade.AsInt());
  }
  return qrels;
}

// HELMET's output file's "data", else the JSON Lines rows.
std::vector<data::json::Value> PredictionRows(std::string_view text) {
  try {
    data::json::Value whole = data::json::Parse(text);
    if (whole.type() == data::json::Value::Type::kObject) {
      if (const auto* rows = whole.Find("data")) return rows->AsArray();
    }
  } catch (const data::json::ParseError&) {
    // Several lines: JSON Lines.
  }
  return data::ParseJsonLines(text);
}

}  // namespace

PredictionsScore ScorePredictions(std::string_view task,
                                  std::string_view text) {
  const Metric metric = MetricForTask(task);
  const auto rows = PredictionRows(text);
  if (rows.empty()) throw std::runtime_error("no predictions to score");
  double total = 0.0;
  for (const auto& row : rows) {
    const auto* output = row.Find("output");
    if (output == nullptr) throw std::runtime_error("a row has no \"output\"");
    Qrels qrels;
    std::vector<std::string> answers;
    if (metric == Metric::kNdcg10) {
      const auto* qrel = row.Find("qrel");
      if (qrel == nullptr) throw std::runtime_error("a row has no \"qrel\"");
      qrels = ReadQrels(*qrel);
    } else {
      answers = data::AnswerList(row);
      if (answers.empty()) throw std::runtime_error("a row has no answers");
    }
    total += ScorePrediction(metric, output->AsString(), answers, qrels);
  }
  return {static_cast<int>(rows.size()), 100.0 * total / rows.size()};
}

}  // namespace prolong::eval
