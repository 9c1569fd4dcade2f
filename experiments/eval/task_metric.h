// Which metric scores which task, by HELMET dataset name, and one entry
// point that scores a prediction with it.
#ifndef PROLONG_EXPERIMENTS_EVAL_TASK_METRIC_H_
#define PROLONG_EXPERIMENTS_EVAL_TASK_METRIC_H_

#include <string>
#include <string_view>
#include <vector>

#include "experiments/eval/ndcg.h"

namespace prolong::eval {

enum class Metric {
  kJsonKv,       // JsonKvScore
  kSubEm,        // DefaultSubEm: RAG and the QA proxy
  kRulerRecall,  // RulerRecall
  kIclEm,        // IclScore
  kNdcg10,       // RerankNdcg10
  kRougeL,       // RougeLF1: the summarisation proxy
};

// "json_kv" -> kJsonKv; "ruler_*" -> kRulerRecall; "icl*" -> kIclEm;
// names containing "msmarco" or "rerank" -> kNdcg10; "kilt_*", "rag*" and
// "qa_proxy*" -> kSubEm; "summ_proxy*" -> kRougeL. Throws
// std::invalid_argument for any other name.
Metric MetricForTask(std::string_view task);

// HELMET's name for the metric: "SubEM", "RULER recall", "accuracy",
// "NDCG@10" or "ROUGE-L F1".
const char* MetricName(Metric metric);

// Scores one prediction in [0, 1]. `qrels` is used only by kNdcg10 and
// `answers` by every other metric.
double ScorePrediction(Metric metric, std::string_view prediction,
                       const std::vector<std::string>& answers,
                       const Qrels& qrels);

}  // namespace prolong::eval

#endif  // PROLONG_EXPERIMENTS_EVAL_TASK_METRIC_H_
