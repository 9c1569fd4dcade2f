// The paper's efficiency ablation (Table 15, A18): training throughput of
// one model on one mixture with full attention over the packed sequence,
// with variable-length (document-masked) attention, and with variable-length
// attention plus micro-batches ordered by attention cost (the sum of squared
// document lengths; "minibatch reordering").
//
//   throughput --init=model.h5 --mixture=mixture.h5 [--steps=4]
//       [--sequences_per_step=4] [--threads=2] [--out=RESULTS.md]
//
// Each setting trains `steps` steps (after one untimed warm-up step) from the
// same weights on the same rows and prints tokens/s and the ratio to full
// attention, beside the paper's. Timings are measurements, not results:
// this runs under `bazel run`, never as a cached action.
#include <gflags/gflags.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "data/io/atomic_file.h"
#include "data/packing/mixture.h"
#include "experiments/stages/stage_main.h"
#include "experiments/training/trainer.h"
#include "model/checkpoint.h"

DEFINE_string(init, "", "Checkpoint whose weights every setting starts from.");
DEFINE_string(mixture, "", "Packed training mixture (HDF5).");
DEFINE_int32(steps, 4, "Timed optimizer steps per setting.");
DEFINE_int32(sequences_per_step, 4, "Packed sequences per step.");
DEFINE_int32(threads, 2, "Threads (OpenMP).");
DEFINE_string(out, "", "Also write the table here (optional).");

namespace prolong::benchmarks {
namespace {

struct Setting {
  const char* name;
  bool document_masking;
  bool sort_by_cost;
  double paper_tokens_per_second;  // per GPU, Table 15
};

constexpr Setting kSettings[] = {
    {"full attention", false, false, 2770},
    {"variable-length attention", true, false, 2780},
    {"+ minibatch reordering", true, true, 3095},
};

// Seconds to train `steps` steps of `setting` from the checkpoint's weights.
double TimeSetting(const Setting& setting, const data::Mixture& mixture,
                   const std::string& init) {
  model::Checkpoint checkpoint = model::ReadCheckpoint(init);
  config::TrainStageConfig config;
  config.set_name(setting.name);
  config.set_seq_len(static_cast<int>(mixture.rows[0].tokens.size()));
  config.set_rope_theta(checkpoint.model->config().rope_theta());
  config.set_sequences_per_step(FLAGS_sequences_per_step);
  config.set_document_masking(setting.document_masking);
  config.set_sort_micro_batches_by_cost(setting.sort_by_cost);
  config.set_threads(FLAGS_threads);
  config.set_log_every(1000000);
  config.set_steps(1 + FLAGS_steps);
  model::OptimizerState optimizer;
  model::TrainerPosition position;
  training::TrainerOptions warm_up;
  warm_up.stop_after_steps = 1;
  training::TrainStage(config, mixture, checkpoint.model.get(), &optimizer,
                       &position, warm_up);
  const auto start = std::chrono::steady_clock::now();
  training::TrainStage(config, mixture, checkpoint.model.get(), &optimizer,
                       &position, {});
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

void Run() {
  stages::RequireFlag("init", FLAGS_init);
  stages::RequireFlag("mixture", FLAGS_mixture);
  const data::Mixture mixture = data::ReadMixture(FLAGS_mixture);
  const int64_t tokens = int64_t{FLAGS_steps} * FLAGS_sequences_per_step *
                         static_cast<int64_t>(mixture.rows[0].tokens.size());
  char line[256];
  std::snprintf(line, sizeof(line),
                "### Throughput (paper Table 15)\n\n%d steps x %d sequences "
                "x %zu tokens, %d threads, one process\n\n",
                FLAGS_steps, FLAGS_sequences_per_step,
                mixture.rows[0].tokens.size(), FLAGS_threads);
  std::string table = line;
  table +=
      "| Setting | tokens/s (ours) | ratio (ours) | tokens/s/GPU (paper) | "
      "ratio (paper) |\n|---|---:|---:|---:|---:|\n";
  double reference = 0.0;
  for (const Setting& setting : kSettings) {
    std::fprintf(stderr, "[throughput] %s ...\n", setting.name);
    const double rate = tokens / TimeSetting(setting, mixture, FLAGS_init);
    if (reference == 0.0) reference = rate;
    std::snprintf(
        line, sizeof(line), "| %s | %.0f | %.3f | %.0f | %.3f |\n",
        setting.name, rate, rate / reference, setting.paper_tokens_per_second,
        setting.paper_tokens_per_second / kSettings[0].paper_tokens_per_second);
    table += line;
  }
  table +=
      "\nThe paper's numbers are 8 x H100 with FSDP: reordering helps there "
      "because devices in lockstep wait for the costliest micro-batch; in one "
      "process the order of micro-batches cannot change the work.\n";
  std::fputs(table.c_str(), stdout);
  if (!FLAGS_out.empty()) io::WriteFileAtomically(FLAGS_out, table);
}

}  // namespace
}  // namespace prolong::benchmarks

int main(int argc, char** argv) {
  return prolong::stages::RunStage(
      argc, argv, "Training throughput with and without varlen attention.",
      prolong::benchmarks::Run);
}
