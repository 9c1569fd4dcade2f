// Prints random NDCG@10 cases, one JSON object per line:
//   {"qrels": {id: grade, ...}, "run": {id: score, ...}, "ndcg": value}
// Ids are small decimal strings ("9" vs "10" exercises strcmp order) and
// scores are drawn from {1, 2, 3} so that ties are common; some run ids are
// unjudged and some judged ids are missing from the run.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "data/rng.h"
#include "experiments/eval/ndcg.h"

int main(int argc, char** argv) {
  const int cases = argc > 1 ? std::atoi(argv[1]) : 1000;
  prolong::data::Rng rng(20240601, 0);
  for (int c = 0; c < cases; ++c) {
    prolong::eval::Qrels qrels;
    prolong::eval::RetrievalRun run;
    const int ids = 2 + static_cast<int>(rng.Below(20));
    for (int id = 0; id < ids; ++id) {
      const std::string name = std::to_string(rng.Below(40));
      if (rng.Below(4) != 0) qrels[name] = static_cast<int>(rng.Below(4));
      if (rng.Below(4) != 0) run[name] = 1.0 + rng.Below(3);
    }
    if (qrels.empty()) qrels["0"] = 1;  // pytrec_eval needs a judged query
    std::string line = "{\"qrels\": {";
    for (const auto& [id, grade] : qrels) {
      line += (line.back() == '{' ? "\"" : ", \"") + id +
              "\": " + std::to_string(grade);
    }
    line += "}, \"run\": {";
    for (const auto& [id, score] : run) {
      line += (line.back() == '{' ? "\"" : ", \"") + id +
              "\": " + std::to_string(score);
    }
    std::printf("%s}, \"ndcg\": %.17g}\n", line.c_str(),
                prolong::eval::NdcgAtK(run, qrels, 10));
  }
  return 0;
}
