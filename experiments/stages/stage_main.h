// What every stage binary shares: flags parsing, and turning any exception
// into one clear line on stderr and a non-zero exit, so that Bazel shows the
// failing stage, file and field.
// A write past the file-size limit (RLIMIT_FSIZE) fails like a write to a
// full disk (EFBIG, reported as an error naming the file) instead of killing
// the stage with SIGXFSZ, which would leave no message.
#ifndef PROLONG_EXPERIMENTS_STAGES_STAGE_MAIN_H_
#define PROLONG_EXPERIMENTS_STAGES_STAGE_MAIN_H_

#include <functional>
#include <string>
#include <vector>

namespace prolong::stages {

// Ignores SIGXFSZ, parses flags (gflags), runs `body`, and returns the
// process exit code.
int RunStage(int argc, char** argv, const char* usage,
             const std::function<void()>& body);

// Fails with "--<name> is required" if `value` is empty.
void RequireFlag(const char* name, const std::string& value);

// Splits a comma-separated flag value; empty items are dropped.
std::vector<std::string> SplitList(const std::string& value);

}  // namespace prolong::stages

#endif  // PROLONG_EXPERIMENTS_STAGES_STAGE_MAIN_H_
