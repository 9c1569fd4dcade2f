#include "experiments/eval/task_metric.h"

#include <stdexcept>

#include "gtest/gtest.h"

namespace prolong::eval {
namespace {

TEST(MetricForTaskTest, MapsHelmetNames) {
  EXPECT_EQ(MetricForTask("json_kv"), Metric::kJsonKv);
  EXPECT_EQ(MetricForTask("ruler_niah_mk_2"), Metric::kRulerRecall);
  EXPECT_EQ(MetricForTask("ruler_niah_mv"), Metric::kRulerRecall);
  EXPECT_EQ(MetricForTask("icl_trec_coarse"), Metric::kIclEm);
  EXPECT_EQ(MetricForTask("msmarco_rerank_psg"), Metric::kNdcg10);
  EXPECT_EQ(MetricForTask("kilt_nq"), Metric::kSubEm);
  EXPECT_EQ(MetricForTask("rag"), Metric::kSubEm);
  EXPECT_EQ(MetricForTask("qa_proxy"), Metric::kSubEm);
  EXPECT_EQ(MetricForTask("summ_proxy"), Metric::kRougeL);
  EXPECT_THROW(MetricForTask("narrativeqa"), std::invalid_argument);
}

TEST(MetricForTaskTest, OurProxiesAndIclSets) {
  EXPECT_EQ(MetricForTask("icl_foldoc"), Metric::kIclEm);
  EXPECT_EQ(MetricForTask("icl_perl_faq"), Metric::kIclEm);
  EXPECT_EQ(MetricForTask("rag_proxy"), Metric::kSubEm);
  EXPECT_EQ(MetricForTask("rerank_proxy"), Metric::kNdcg10);
}

TEST(MetricNameTest, HelmetsNames) {
  EXPECT_STREQ(MetricName(Metric::kJsonKv), "SubEM");
  EXPECT_STREQ(MetricName(Metric::kSubEm), "SubEM");
  EXPECT_STREQ(MetricName(Metric::kRulerRecall), "RULER recall");
  EXPECT_STREQ(MetricName(Metric::kIclEm), "accuracy");
  EXPECT_STREQ(MetricName(Metric::kNdcg10), "NDCG@10");
  EXPECT_STREQ(MetricName(Metric::kRougeL), "ROUGE-L F1");
}

TEST(ScorePredictionTest, DispatchesToTheMetric) {
  EXPECT_EQ(ScorePrediction(Metric::kIclEm, "label: 4", {"4"}, {}), 1.0);
  EXPECT_EQ(ScorePrediction(Metric::kRulerRecall, "1 2", {"1", "3"}, {}), 0.5);
  EXPECT_EQ(ScorePrediction(Metric::kNdcg10, "2 > 1", {}, {{"2", 1}}), 1.0);
  EXPECT_EQ(ScorePrediction(Metric::kSubEm, "Answer: Rome", {"rome"}, {}), 1.0);
  EXPECT_EQ(ScorePrediction(Metric::kRougeL, "b", {"c"}, {}), 0.0);
  EXPECT_EQ(ScorePrediction(Metric::kRougeL, "x y", {"x y"}, {}), 1.0);
}

}  // namespace
}  // namespace prolong::eval
