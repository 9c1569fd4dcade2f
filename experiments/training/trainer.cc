#include "experiments/training/trainer.h"

#include <google/protobuf/text_format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "data/io/atomic_file.h"
#include "experiments/training/cpu_step_device.h"
#include "experiments/training/cuda_step_device.h"
#include "experiments/training/lr_schedule.h"

namespace prolong::training {
namespace {

model::PackedSequence ToSequence(const data::PackedRow& row) {
  return {row.tokens, row.doc_starts, row.loss_mask};
}

// Attention cost of a packed sequence: the sum of squared document lengths.
int64_t AttentionCost(const model::PackedSequence& sequence) {
  int64_t cost = 0;
  for (size_t d = 1; d < sequence.doc_starts.size(); ++d) {
    const int64_t length = sequence.doc_starts[d] - sequence.doc_starts[d - 1];
    cost += length * length;
  }
  return cost;
}

// The device that runs the stage's steps (config.device()).
std::unique_ptr<StepDevice> MakeStepDevice(
    const config::TrainStageConfig& config, const DataParallelOptions& dp,
    model::Llama* model, model::OptimizerState* optimizer) {
  if (config.device() == config::CUDA) {
    return MakeCudaStepDevice(config, dp, model, optimizer);
  }
  if (config.compute_dtype() != config::FP32) {
    throw std::invalid_argument("stage " + config.name() +
                                ": compute_dtype BF16 needs device CUDA; "
                                "the CPU computes in FP32");
  }
  if (dp.world_size != 1) {
    throw std::invalid_argument("stage " + config.name() +
                                ": data parallel training needs device CUDA");
  }
  return std::make_unique<CpuStepDevice>(model, optimizer);
}

std::string FormatDuration(double seconds) {
  const auto s = static_cast<long long>(seconds + 0.5);
  char text[32];
  std::snprintf(text, sizeof(text), "%lldm%02llds", s / 60, s % 60);
  return text;
}

// A resumed stage may have logged steps after its last checkpoint before it
// stopped: keep only the lines of the steps the checkpoint covers, so the
// log ends up the same as an uninterrupted run's.
void KeepFirstLines(const std::string& path, int64_t lines) {
  std::string kept;
  if (lines > 0 && std::filesystem::exists(path)) {
    std::istringstream in(io::ReadFile(path));
    std::string line;
    for (int64_t i = 0; i < lines && std::getline(in, line); ++i) {
      kept += line + "\n";
    }
  }
  io::WriteFileAtomically(path, kept);
}

}  // namespace

std::string LatestCheckpointPath(const std::string& checkpoint_dir) {
  return checkpoint_dir + "/latest.h5";
}

int RemoveStaleTemporaries(const std::string& checkpoint_dir) {
  if (!std::filesystem::is_directory(checkpoint_dir)) return 0;
  const std::string prefix = "latest.h5.tmp.";
  int removed = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(checkpoint_dir)) {
    if (entry.path().filename().string().rfind(prefix, 0) == 0) {
      std::filesystem::remove(entry.path());
      ++removed;
    }
  }
  return removed;
}

void TrainStage(const config::TrainStageConfig& config,
                const data::Mixture& mixture, model::Llama* model,
                model::OptimizerState* optimizer,
                model::TrainerPosition* position,
                const TrainerOptions& options) {
  if (mixture.rows.empty()) throw std::runtime_error("the mixture is empty");
  if (static_cast<int>(mixture.rows[0].tokens.size()) != config.seq_len()) {
    throw std::runtime_error(
        "stage " + config.name() + " has seq_len " +
        std::to_string(config.seq_len()) + " but the mixture's rows have " +
        std::to_string(mixture.rows[0].tokens.size()) + " tokens");
  }
  const int64_t n = model->num_parameters();
  if (optimizer->m.empty()) {
    optimizer->m.assign(n, 0.0f);
    optimizer->v.assign(n, 0.0f);
  }
  model->SetRopeTheta(config.rope_theta());
  model->SetThreads(config.threads());
  model->SetActivationRecomputation(config.recompute_activations());
  const DataParallelOptions& dp = options.data_parallel;
  const std::unique_ptr<StepDevice> device =
      MakeStepDevice(config, dp, model, optimizer);
  // Rank 0 alone writes the log, the snapshots and the checkpoints.
  const bool writes_files = dp.rank == 0;
  std::string config_text;
  google::protobuf::TextFormat::PrintToString(config, &config_text);

  const auto& opt = config.optimizer();
  const LrSchedule schedule = LrSchedule::Make(
      opt.lr(), opt.min_lr_ratio(), opt.warmup_ratio(), config.steps());
  const int per_step = config.sequences_per_step();
  const int64_t tokens_per_step = int64_t{per_step} * config.seq_len();

  std::ofstream log;
  if (!options.log_path.empty() && writes_files) {
    KeepFirstLines(options.log_path, position->stage_step);
    log.open(options.log_path, std::ios::app);
    if (!log) throw std::runtime_error("cannot write " + options.log_path);
  }
  const auto started = std::chrono::steady_clock::now();
  int64_t steps_this_call = 0;
  while (position->stage_step < config.steps()) {
    if (options.stop_after_steps >= 0 &&
        steps_this_call == options.stop_after_steps) {
      device->CopyToHost();
      return;
    }
    const int64_t step = position->stage_step;
    device->ZeroGrads();
    std::vector<model::PackedSequence> batch;
    for (int i = 0; i < per_step; ++i) {
      const auto& row =
          mixture.rows[(position->data_position + i) % mixture.rows.size()];
      batch.push_back(ToSequence(row));
    }
    if (config.sort_micro_batches_by_cost()) {
      std::stable_sort(
          batch.begin(), batch.end(),
          [](const model::PackedSequence& a, const model::PackedSequence& b) {
            return AttentionCost(a) > AttentionCost(b);
          });
    }
    int64_t step_targets = 0;
    for (const auto& sequence : batch)
      step_targets += model::CountTargets(sequence);

    double loss_sum = 0.0;
    int64_t loss_targets = 0;
    double micro_mean_sum = 0.0;
    // Data parallel: this rank takes every world_size-th sequence, and runs
    // them sequences_per_micro_batch at a time.
    std::vector<const model::PackedSequence*> mine;
    std::vector<float> weights;
    for (size_t i = dp.rank; i < batch.size(); i += dp.world_size) {
      const int64_t targets = model::CountTargets(batch[i]);
      if (targets == 0) continue;
      mine.push_back(&batch[i]);
      weights.push_back(config.loss_reduction() == config::GLOBAL_TOKEN_MEAN
                            ? 1.0f / static_cast<float>(step_targets)
                            : 1.0f / (static_cast<float>(targets) * per_step));
    }
    const size_t per_micro_batch = config.sequences_per_micro_batch();
    for (size_t first = 0; first < mine.size(); first += per_micro_batch) {
      const size_t last = std::min(first + per_micro_batch, mine.size());
      const std::vector<model::LossSum> losses = device->ForwardBackwardBatch(
          {mine.begin() + first, mine.begin() + last},
          config.document_masking(),
          {weights.begin() + first, weights.begin() + last});
      for (const model::LossSum& loss : losses) {
        loss_sum += loss.loss_sum;
        loss_targets += loss.targets;
        micro_mean_sum += loss.loss_sum / loss.targets;
      }
    }
    double sums[3] = {loss_sum, static_cast<double>(loss_targets),
                      micro_mean_sum};
    device->AllReduce(sums, 3);
    loss_sum = sums[0];
    loss_targets = static_cast<int64_t>(sums[1]);
    micro_mean_sum = sums[2];
    const double loss = config.loss_reduction() == config::GLOBAL_TOKEN_MEAN
                            ? loss_sum / std::max<int64_t>(1, loss_targets)
                            : micro_mean_sum / per_step;
    if (!std::isfinite(loss)) {
      const std::string tensor = device->FirstNonFiniteTensor();
      throw std::runtime_error(
          "stage " + config.name() + ": non-finite loss at step " +
          std::to_string(step) +
          (tensor.empty() ? " (every weight is finite)"
                          : " (non-finite weights in tensor " + tensor + ")"));
    }
    const double grad_norm = device->ClipGradients(opt.grad_clip(), step);
    const double lr = schedule.At(step);
    ++optimizer->adam_step;
    device->AdamW(opt, lr, optimizer->adam_step);
    // An update that overflows must stop here, before any checkpoint (the
    // periodic one below, or the stage's final one) can hold it.
    const std::string broken = device->FirstNonFiniteTensor();
    if (!broken.empty()) {
      throw std::runtime_error("stage " + config.name() + ": step " +
                               std::to_string(step) +
                               " made weights non-finite in tensor " + broken);
    }
    position->data_position += per_step;
    position->stage_step = step + 1;
    ++steps_this_call;

    if (log.is_open()) {
      char line[256];
      std::snprintf(line, sizeof(line),
                    "{\"step\": %lld, \"loss\": %.9g, \"lr\": %.9g, "
                    "\"grad_norm\": %.9g, \"tokens\": %lld}\n",
                    static_cast<long long>(step + 1), loss, lr, grad_norm,
                    static_cast<long long>(tokens_per_step));
      log << line << std::flush;
      // A full disk must fail the stage, not leave a silently short log.
      if (!log) {
        throw std::runtime_error("cannot write " + options.log_path + ": " +
                                 io::DescribeSystemError(errno));
      }
    }
    const bool last = position->stage_step == config.steps();
    if ((position->stage_step % config.log_every() == 0 || last) &&
        writes_files) {
      const double elapsed = std::chrono::duration<double>(
                                 std::chrono::steady_clock::now() - started)
                                 .count();
      const double tokens_per_second =
          elapsed > 0 ? steps_this_call * tokens_per_step / elapsed : 0.0;
      const double eta = steps_this_call > 0
                             ? elapsed / steps_this_call *
                                   (config.steps() - position->stage_step)
                             : 0.0;
      std::fprintf(stderr,
                   "[%s] step %lld/%d  loss %.4f  lr %.2e  grad_norm %.3f  "
                   "tok/s %.0f  eta %s\n",
                   config.name().c_str(),
                   static_cast<long long>(position->stage_step), config.steps(),
                   loss, lr, grad_norm, tokens_per_second,
                   FormatDuration(eta).c_str());
    }
    const auto snapshot = options.snapshots.find(position->stage_step);
    const bool snapshot_due = snapshot != options.snapshots.end();
    const bool checkpoint_due =
        !options.checkpoint_dir.empty() && config.checkpoint_every() > 0 &&
        position->stage_step % config.checkpoint_every() == 0 && !last;
    if ((snapshot_due || checkpoint_due) && writes_files) {
      device->CopyToHost();
    }
    if (snapshot_due && writes_files) {
      model::WriteCheckpoint(snapshot->second, *model, *optimizer, *position,
                             config_text);
    }
    if (checkpoint_due && writes_files) {
      model::WriteCheckpoint(LatestCheckpointPath(options.checkpoint_dir),
                             *model, *optimizer, *position, config_text);
    }
  }
  device->CopyToHost();
}

}  // namespace prolong::training
