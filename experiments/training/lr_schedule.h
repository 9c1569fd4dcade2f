// The learning-rate schedule of ProLong's trainer (training/trainer.py,
// min_lr_bound): Hugging Face's linear warmup from 0, then a cosine that
// ends at min_lr_ratio of the peak:
//   s <  W:  lr = peak * s / W
//   s >= W:  lr = peak * (r + (1 - r) * 0.5 * (1 + cos(pi * (s - W) / (S -
//   W))))
// with W = ceil(warmup_ratio * S) warmup steps out of S and r = min_lr_ratio.
// As in HF, step 0 runs at lr 0 when there is warmup. Each stage restarts
// the schedule (the paper resets it at the 64K -> 512K switch).
#ifndef PROLONG_EXPERIMENTS_TRAINING_LR_SCHEDULE_H_
#define PROLONG_EXPERIMENTS_TRAINING_LR_SCHEDULE_H_

#include <cstdint>

namespace prolong::training {

struct LrSchedule {
  double peak;
  double min_lr_ratio;
  int64_t warmup_steps;
  int64_t total_steps;

  static LrSchedule Make(double peak, double min_lr_ratio, double warmup_ratio,
                         int64_t total_steps);
  double At(int64_t step) const;
};

}  // namespace prolong::training

#endif  // PROLONG_EXPERIMENTS_TRAINING_LR_SCHEDULE_H_
