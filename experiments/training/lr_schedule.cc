#include "experiments/training/lr_schedule.h"

#include <algorithm>
#include <cmath>

namespace prolong::training {

LrSchedule LrSchedule::Make(double peak, double min_lr_ratio,
                            double warmup_ratio, int64_t total_steps) {
  const auto warmup =
      static_cast<int64_t>(std::ceil(warmup_ratio * total_steps - 1e-9));
  return {peak, min_lr_ratio, std::min(warmup, total_steps), total_steps};
}

double LrSchedule::At(int64_t step) const {
  if (step < warmup_steps) {
    return peak * static_cast<double>(step) / static_cast<double>(warmup_steps);
  }
  const int64_t decay_steps = std::max<int64_t>(1, total_steps - warmup_steps);
  const double progress =
      std::min(1.0, static_cast<double>(step - warmup_steps) / decay_steps);
  const double cosine = 0.5 * (1.0 + std::cos(M_PI * progress));
  return peak * (min_lr_ratio + (1.0 - min_lr_ratio) * cosine);
}

}  // namespace prolong::training
