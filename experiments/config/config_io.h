// Reading and validating configs (config.proto, text format).
//
// Every error names the file and the field, e.g.
//   "ablations/x/stage1.textproto: field seq_len: must be positive, got -8"
//   "ablations/x/stage1.textproto:3:1: Message type "..." has no field named
//   "sq_len"."
#ifndef PROLONG_EXPERIMENTS_CONFIG_CONFIG_IO_H_
#define PROLONG_EXPERIMENTS_CONFIG_CONFIG_IO_H_

#include <google/protobuf/message.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "experiments/config/config.pb.h"

namespace prolong::config {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses text format into `message`; unknown fields and syntax errors throw
// ConfigError with "source:line:column: ...".
void ParseConfigText(const std::string& text, const std::string& source,
                     google::protobuf::Message* message);

// Field-level checks. Each returns the problems found as
// "field <path>: <what is wrong>", with `prefix` prepended to field paths.
std::vector<std::string> Validate(const ModelConfig& config,
                                  const std::string& prefix = "");
std::vector<std::string> Validate(const TokenizerConfig& config,
                                  const std::string& prefix = "");
std::vector<std::string> Validate(const MixtureConfig& config,
                                  const std::string& prefix = "");
std::vector<std::string> Validate(const TrainStageConfig& config,
                                  const std::string& prefix = "");
std::vector<std::string> Validate(const EvalConfig& config,
                                  const std::string& prefix = "");

// Reads a config file; throws ConfigError naming it if it cannot.
std::string ReadConfigFile(const std::string& path);
// Throws ConfigError with one line per problem, each prefixed by `path`.
void ThrowIfInvalid(const std::string& path,
                    const std::vector<std::string>& problems);

// Reads, parses and validates a config made of one or more text-format
// files (comma-separated paths): each later file is merged over the earlier
// ones, so a BUILD file's overrides replace the generated defaults. Throws
// ConfigError listing every problem, each naming its file.
template <typename Config>
Config LoadConfig(const std::string& paths) {
  Config config;
  std::string last;
  size_t start = 0;
  while (start <= paths.size()) {
    size_t comma = paths.find(',', start);
    if (comma == std::string::npos) comma = paths.size();
    const std::string path = paths.substr(start, comma - start);
    start = comma + 1;
    if (path.empty()) continue;
    Config layer;
    ParseConfigText(ReadConfigFile(path), path, &layer);
    config.MergeFrom(layer);
    last = path;
  }
  if (last.empty()) throw ConfigError("no config file given");
  ThrowIfInvalid(paths, Validate(config));
  return config;
}

// Text format of a message, for storing beside results.
std::string ToText(const google::protobuf::Message& message);

}  // namespace prolong::config

#endif  // PROLONG_EXPERIMENTS_CONFIG_CONFIG_IO_H_
