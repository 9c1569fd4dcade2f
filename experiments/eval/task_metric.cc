#include "experiments/eval/task_metric.h"

#include <stdexcept>

#include "experiments/eval/metrics.h"
#include "experiments/eval/rouge.h"

namespace prolong::eval {
namespace {

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

}  // namespace

Metric MetricForTask(std::string_view task) {
  if (task == "json_kv") return Metric::kJsonKv;
  if (StartsWith(task, "ruler_")) return Metric::kRulerRecall;
  if (StartsWith(task, "icl")) return Metric::kIclEm;
  if (Contains(task, "msmarco") || Contains(task, "rerank")) {
    return Metric::kNdcg10;
  }
  if (StartsWith(task, "kilt_") || StartsWith(task, "rag") ||
      StartsWith(task, "qa_proxy")) {
    return Metric::kSubEm;
  }
  if (StartsWith(task, "summ_proxy")) return Metric::kRougeL;
  throw std::invalid_argument("no metric for task \"" + std::string(task) +
                              "\"");
}

const char* MetricName(Metric metric) {
  switch (metric) {
    case Metric::kJsonKv:
    case Metric::kSubEm:
      return "SubEM";
    case Metric::kRulerRecall:
      return "RULER recall";
    case Metric::kIclEm:
      return "accuracy";
    case Metric::kNdcg10:
      return "NDCG@10";
    case Metric::kRougeL:
      return "ROUGE-L F1";
  }
  throw std::invalid_argument("unknown metric");
}

double ScorePrediction(Metric metric, std::string_view prediction,
                       const std::vector<std::string>& answers,
                       const Qrels& qrels) {
  switch (metric) {
    case Metric::kJsonKv:
      return JsonKvScore(prediction, answers);
    case Metric::kSubEm:
      return DefaultSubEm(prediction, answers);
    case Metric::kRulerRecall:
      return RulerRecall(prediction, answers);
    case Metric::kIclEm:
      return IclScore(prediction, answers);
    case Metric::kNdcg10:
      return RerankNdcg10(prediction, qrels);
    case Metric::kRougeL:
      return RougeLF1(prediction, answers);
  }
  throw std::invalid_argument("unknown metric");
}

}  // namespace prolong::eval
