// Evaluates a checkpoint on a task suite and writes results.h5.
//
//   eval_main --config=eval.textproto --checkpoint=stage.h5
//       --tokenizer=tokenizer.json --variant=NAME --out=results.h5
#include <gflags/gflags.h>

#include "data/tokenizer/bpe_tokenizer.h"
#include "experiments/config/config_io.h"
#include "experiments/eval/evaluator.h"
#include "experiments/eval/materials.h"
#include "experiments/stages/stage_main.h"
#include "model/checkpoint.h"

DEFINE_string(config, "", "EvalConfig (text format).");
DEFINE_string(checkpoint, "", "Checkpoint to evaluate (HDF5).");
DEFINE_string(tokenizer, "", "tokenizer.json.");
DEFINE_string(variant, "", "Name of the variant, recorded in the results.");
DEFINE_string(materials, "",
              "Corpora tasks draw text from: name=corpus.h5,... (see "
              "TaskConfig.material).");
DEFINE_string(out, "", "Output results (HDF5).");

namespace prolong::stages {
namespace {

void RunEvaluation() {
  RequireFlag("config", FLAGS_config);
  RequireFlag("checkpoint", FLAGS_checkpoint);
  RequireFlag("tokenizer", FLAGS_tokenizer);
  RequireFlag("out", FLAGS_out);
  const auto config = config::LoadConfig<config::EvalConfig>(FLAGS_config);
  model::Checkpoint checkpoint = model::ReadCheckpoint(FLAGS_checkpoint);
  checkpoint.model->SetThreads(config.threads());
  const auto tokenizer = data::BpeTokenizer::Load(FLAGS_tokenizer);
  const eval::Materials materials =
      eval::ReadMaterials(SplitList(FLAGS_materials));
  eval::EvalResults results =
      eval::Evaluate(config, *checkpoint.model, tokenizer, materials);
  results.variant = FLAGS_variant;
  results.config = "# eval\n" + config::ToText(config) +
                   "# checkpoint stage\n" + checkpoint.stage_config;
  eval::WriteResults(results, FLAGS_out);
}

}  // namespace
}  // namespace prolong::stages

int main(int argc, char** argv) {
  return prolong::stages::RunStage(argc, argv, "Evaluates a checkpoint.",
                                   prolong::stages::RunEvaluation);
}
