#include "experiments/config/config_io.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <cmath>
#include <fstream>
#include <sstream>

namespace prolong::config {
namespace {

// Collects parser errors as "source:line:column: message".
class ErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  explicit ErrorCollector(std::string source) : source_(std::move(source)) {}
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    errors_.push_back(source_ + ":" + std::to_string(line + 1) + ":" +
                      std::to_string(column + 1) + ": " + message);
  }
  void AddWarning(int line, google::protobuf::io::ColumnNumber column,
                  const std::string& message) override {
    AddError(line, column, message);
  }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::string source_;
  std::vector<std::string> errors_;
};

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += (out.empty() ? "" : "\n") + line;
  return out;
}

// Accumulates "field <prefix><name>: <problem>" lines.
class Checker {
 public:
  Checker(std::vector<std::string>* problems, std::string prefix)
      : problems_(problems), prefix_(std::move(prefix)) {}

  template <typename T>
  void Positive(const char* field, T value) {
    if (!(value > 0)) Fail(field, "must be positive, got " + Str(value));
  }
  template <typename T>
  void NonNegative(const char* field, T value) {
    if (!(value >= 0)) Fail(field, "must not be negative, got " + Str(value));
  }
  void InRange(const char* field, double value, double lo, double hi) {
    if (!(value >= lo && value <= hi)) {
      Fail(field,
           "must be in [" + Str(lo) + ", " + Str(hi) + "], got " + Str(value));
    }
  }
  void Fail(const std::string& field, const std::string& what) {
    problems_->push_back("field " + prefix_ + field + ": " + what);
  }
  std::string Sub(const std::string& field) const {
    return prefix_ + field + ".";
  }

 private:
  template <typename T>
  static std::string Str(T value) {
    std::ostringstream out;
    out << value;
    return out.str();
  }
  std::vector<std::string>* problems_;
  std::string prefix_;
};

}  // namespace

void ParseConfigText(const std::string& text, const std::string& source,
                     google::protobuf::Message* message) {
  ErrorCollector errors(source);
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, message) || !errors.errors().empty()) {
    throw ConfigError(Join(errors.errors()));
  }
}

std::string ReadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot open config file");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void ThrowIfInvalid(const std::string& path,
                    const std::vector<std::string>& problems) {
  if (problems.empty()) return;
  std::vector<std::string> lines;
  for (const auto& problem : problems) lines.push_back(path + ": " + problem);
  throw ConfigError(Join(lines));
}

std::string ToText(const google::protobuf::Message& message) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(message, &text);
  return text;
}

std::vector<std::string> Validate(const ModelConfig& c,
                                  const std::string& prefix) {
  std::vector<std::string> problems;
  Checker check(&problems, prefix);
  check.NonNegative("vocab_size", c.vocab_size());
  check.Positive("d_model", c.d_model());
  check.Positive("n_layers", c.n_layers());
  check.Positive("n_heads", c.n_heads());
  check.Positive("n_kv_heads", c.n_kv_heads());
  check.Positive("ffn_hidden", c.ffn_hidden());
  check.Positive("norm_eps", c.norm_eps());
  check.Positive("init_std", c.init_std());
  check.Positive("rope_theta", c.rope_theta());
  if (c.n_heads() > 0 && c.d_model() % c.n_heads() != 0) {
    check.Fail("d_model", "must be divisible by n_heads (" +
                              std::to_string(c.n_heads()) + ")");
  } else if (c.n_heads() > 0 && (c.d_model() / c.n_heads()) % 2 != 0) {
    check.Fail("d_model", "d_model / n_heads must be even for RoPE");
  }
  if (c.n_kv_heads() > 0 && c.n_heads() % c.n_kv_heads() != 0) {
    check.Fail("n_kv_heads",
               "must divide n_heads (" + std::to_string(c.n_heads()) + ")");
  }
  return problems;
}

std::vector<std::string> Validate(const TokenizerConfig& c,
                                  const std::string& prefix) {
  std::vector<std::string> problems;
  Checker check(&problems, prefix);
  if (c.vocab_size() < 256 + 5) {
    check.Fail("vocab_size",
               "must be at least 261 (256 bytes + 5 special "
               "tokens), got " +
                   std::to_string(c.vocab_size()));
  }
  check.NonNegative("max_training_bytes", c.max_training_bytes());
  check.Positive("threads", c.threads());
  return problems;
}

std::vector<std::string> Validate(const MixtureConfig& c,
                                  const std::string& prefix) {
  std::vector<std::string> problems;
  Checker check(&problems, prefix);
  check.Positive("seq_len", c.seq_len());
  check.Positive("num_sequences", c.num_sequences());
  if (c.domains_size() == 0) check.Fail("domains", "at least one is needed");
  double total = 0.0;
  for (int i = 0; i < c.domains_size(); ++i) {
    const auto& domain = c.domains(i);
    const std::string field = "domains[" + std::to_string(i) + "]";
    if (domain.domain().empty()) check.Fail(field + ".domain", "is empty");
    if (!(domain.proportion() > 0.0 && domain.proportion() <= 1.0)) {
      check.Fail(
          field + ".proportion",
          "must be in (0, 1], got " + std::to_string(domain.proportion()));
    }
    if (domain.role() == DATA_ROLE_UNSPECIFIED) {
      check.Fail(field + ".role", "must be LONG, SHORT or CHAT");
    }
    if (domain.chunk_len() < 0 ||
        (domain.chunk_len() > 0 &&
         (domain.role() != LONG || c.seq_len() % domain.chunk_len() != 0))) {
      check.Fail(field + ".chunk_len",
                 "must be 0 or, for LONG data, divide seq_len (" +
                     std::to_string(c.seq_len()) + "), got " +
                     std::to_string(domain.chunk_len()));
    }
    for (int j = 0; j < i; ++j) {
      // A domain may appear once per role and chunk length (the paper's
      // stage 2 takes code both as 512K documents and as 64K documents
      // packed 8 to a row).
      if (c.domains(j).domain() == domain.domain() &&
          c.domains(j).role() == domain.role() &&
          c.domains(j).chunk_len() == domain.chunk_len()) {
        check.Fail(field + ".domain", "\"" + domain.domain() +
                                          "\" repeats with role " +
                                          DataRole_Name(domain.role()) +
                                          " and the same chunk_len");
      }
    }
    total += domain.proportion();
  }
  if (c.domains_size() > 0 && std::abs(total - 1.0) > 1e-6) {
    check.Fail("domains",
               "proportions must sum to 1, got " + std::to_string(total));
  }
  return problems;
}

std::vector<std::string> Validate(const TrainStageConfig& c,
                                  const std::string& prefix) {
  std::vector<std::string> problems;
  Checker check(&problems, prefix);
  if (c.name().empty()) check.Fail("name", "is empty");
  check.Positive("seq_len", c.seq_len());
  check.Positive("rope_theta", c.rope_theta());
  check.Positive("steps", c.steps());
  check.Positive("sequences_per_step", c.sequences_per_step());
  check.Positive("sequences_per_micro_batch", c.sequences_per_micro_batch());
  check.Positive("threads", c.threads());
  check.Positive("log_every", c.log_every());
  check.NonNegative("checkpoint_every", c.checkpoint_every());
  if (c.loss_reduction() == LOSS_REDUCTION_UNSPECIFIED) {
    check.Fail("loss_reduction",
               "must be MICRO_BATCH_MEAN or GLOBAL_TOKEN_MEAN");
  }
  const auto& o = c.optimizer();
  Checker optimizer(&problems, check.Sub("optimizer"));
  optimizer.Positive("lr", o.lr());
  optimizer.InRange("min_lr_ratio", o.min_lr_ratio(), 0.0, 1.0);
  optimizer.InRange("warmup_ratio", o.warmup_ratio(), 0.0, 1.0);
  optimizer.InRange("beta1", o.beta1(), 0.0, 0.999999);
  optimizer.InRange("beta2", o.beta2(), 0.0, 0.999999);
  optimizer.Positive("eps", o.eps());
  optimizer.NonNegative("weight_decay", o.weight_decay());
  optimizer.NonNegative("grad_clip", o.grad_clip());
  if (c.device() == CPU && c.compute_dtype() == BF16) {
    check.Fail("compute_dtype",
               "BF16 needs device: CUDA (the CPU trains in FP32)");
  }
  const auto model = Validate(c.model(), check.Sub("model"));
  problems.insert(problems.end(), model.begin(), model.end());
  return problems;
}

std::vector<std::string> Validate(const EvalConfig& c,
                                  const std::string& prefix) {
  std::vector<std::string> problems;
  Checker check(&problems, prefix);
  if (c.lengths_size() == 0) check.Fail("lengths", "at least one is needed");
  for (int i = 0; i < c.lengths_size(); ++i) {
    check.Positive(("lengths[" + std::to_string(i) + "]").c_str(),
                   c.lengths(i));
  }
  if (c.tasks_size() == 0) check.Fail("tasks", "at least one is needed");
  for (int i = 0; i < c.tasks_size(); ++i) {
    Checker task(&problems, check.Sub("tasks[" + std::to_string(i) + "]"));
    if (c.tasks(i).kind() == TASK_KIND_UNSPECIFIED) {
      task.Fail("kind", "must be set");
    }
    task.Positive("samples", c.tasks(i).samples());
    task.Positive("max_new_tokens", c.tasks(i).max_new_tokens());
    task.NonNegative("shots", c.tasks(i).shots());
  }
  check.Positive("threads", c.threads());
  return problems;
}

}  // namespace prolong::config
