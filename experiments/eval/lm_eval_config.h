// Field checks of LmEvalConfig (experiments/config/config.proto), in the
// form of the other configs' checks in experiments/config/config_io.h:
// declared in prolong::config, so LoadConfig<LmEvalConfig> finds them.
#ifndef PROLONG_EXPERIMENTS_EVAL_LM_EVAL_CONFIG_H_
#define PROLONG_EXPERIMENTS_EVAL_LM_EVAL_CONFIG_H_

#include <string>
#include <vector>

#include "experiments/config/config.pb.h"

namespace prolong::config {

// The problems found, each "field <prefix><path>: <what is wrong>": no
// measure at all, long domains without lengths, a non-positive length or
// count, a short_length under 2, a domain listed twice in one list, and a
// domain that is both long and short with short_length among the lengths
// (both would write ppl_<domain> at that length).
std::vector<std::string> Validate(const LmEvalConfig& config,
                                  const std::string& prefix = "");

}  // namespace prolong::config

#endif  // PROLONG_EXPERIMENTS_EVAL_LM_EVAL_CONFIG_H_
