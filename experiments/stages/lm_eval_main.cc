// Evaluates a checkpoint on held-out documents: long-document perplexity,
// short-domain perplexity and the multiple-choice short-context suite
// (experiments/eval/lm_evaluator.h), and writes results.h5.
//
//   lm_eval_main --config=lm_eval.textproto --checkpoint=stage.h5
//       --tokenizer=tokenizer.json --shards=a.h5,b.h5 --variant=NAME
//       --out=results.h5
#include <gflags/gflags.h>

#include <stdexcept>

#include "data/shards/token_shard.h"
#include "data/tokenizer/bpe_tokenizer.h"
#include "experiments/config/config_io.h"
#include "experiments/eval/lm_eval_config.h"
#include "experiments/eval/lm_evaluator.h"
#include "experiments/stages/stage_main.h"
#include "model/checkpoint.h"

DEFINE_string(config, "", "LmEvalConfig (text format).");
DEFINE_string(checkpoint, "", "Checkpoint to evaluate (HDF5).");
DEFINE_string(tokenizer, "", "tokenizer.json the shards were made with.");
DEFINE_string(shards, "", "Comma-separated token shards (HDF5).");
DEFINE_string(variant, "", "Name of the variant, recorded in the results.");
DEFINE_string(out, "", "Output results (HDF5).");

namespace prolong::stages {
namespace {

void RunLmEvaluation() {
  RequireFlag("config", FLAGS_config);
  RequireFlag("checkpoint", FLAGS_checkpoint);
  RequireFlag("tokenizer", FLAGS_tokenizer);
  RequireFlag("shards", FLAGS_shards);
  RequireFlag("out", FLAGS_out);
  const auto config = config::LoadConfig<config::LmEvalConfig>(FLAGS_config);
  const std::string fingerprint = data::TokenizerFingerprint(FLAGS_tokenizer);
  eval::Shards shards;
  for (const std::string& path : SplitList(FLAGS_shards)) {
    data::TokenShard shard = data::ReadTokenShard(path);
    if (shard.tokenizer_fingerprint != fingerprint) {
      throw std::runtime_error(path + ": made with another tokenizer than " +
                               FLAGS_tokenizer);
    }
    const std::string domain = shard.domain;
    if (!shards.emplace(domain, std::move(shard)).second) {
      throw std::runtime_error(path + ": a second shard for domain \"" +
                               domain + "\"");
    }
  }
  model::Checkpoint checkpoint = model::ReadCheckpoint(FLAGS_checkpoint);
  checkpoint.model->SetThreads(config.threads());
  const auto tokenizer = data::BpeTokenizer::Load(FLAGS_tokenizer);
  eval::EvalResults results =
      eval::EvaluateLanguageModel(config, *checkpoint.model, tokenizer, shards);
  results.variant = FLAGS_variant;
  results.config = "# lm_eval\n" + config::ToText(config) +
                   "# checkpoint stage\n" + checkpoint.stage_config;
  eval::WriteResults(results, FLAGS_out);
}

}  // namespace
}  // namespace prolong::stages

int main(int argc, char** argv) {
  return prolong::stages::RunStage(
      argc, argv, "Evaluates a checkpoint on held-out documents.",
      prolong::stages::RunLmEvaluation);
}
