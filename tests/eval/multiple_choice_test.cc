#include "experiments/eval/multiple_choice.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <memory>
#include <stdexcept>

namespace prolong::eval {
namespace {

// One token per byte.
std::vector<int32_t> Bytes(const std::string& text) {
  return std::vector<int32_t>(text.begin(), text.end());
}

// A hand-made "model": the log-likelihood of a continuation is looked up by
// its text; the context seen is recorded.
struct TableModel {
  std::map<std::string, double> by_choice;
  std::vector<int32_t> last_context;

  LogLikelihood AsFunction() {
    return [this](const std::vector<int32_t>& context,
                  const std::vector<int32_t>& continuation) {
      last_context = context;
      return by_choice.at(
          std::string(continuation.begin(), continuation.end()));
    };
  }
};

data::MultipleChoiceSample Sample() {
  data::MultipleChoiceSample sample;
  sample.context = "The cat sat on the";
  sample.choices = {" mat.", " quantum chromodynamics lecture hall.", " dog.",
                    " roof of the old barn."};
  sample.gold = 0;
  return sample;
}

TEST(ScoreChoices, PicksTheHighestLogLikelihood) {
  TableModel model;
  model.by_choice = {{" mat.", -3.0},
                     {" quantum chromodynamics lecture hall.", -20.0},
                     {" dog.", -2.5},
                     {" roof of the old barn.", -9.0}};
  const ChoiceVerdict verdict =
      ScoreChoices(Sample(), Bytes, 0, 256, model.AsFunction());
  EXPECT_EQ(verdict.log_likelihoods,
            (std::vector<double>{-3.0, -20.0, -2.5, -9.0}));
  EXPECT_EQ(verdict.chosen, 2);  // -2.5 is the largest
  // Per byte: -0.6, -0.54, -0.5, -0.41: the long choice wins acc_norm.
  EXPECT_EQ(verdict.chosen_norm, 3);
  // BOS (0) + the context's bytes.
  EXPECT_EQ(verdict.context_tokens, 1 + 18);
  EXPECT_EQ(model.last_context.front(), 0);
}

TEST(ScoreChoices, TiesGoToTheFirstChoice) {
  TableModel model;
  model.by_choice = {{" mat.", -1.0},
                     {" quantum chromodynamics lecture hall.", -50.0},
                     {" dog.", -1.0},
                     {" roof of the old barn.", -50.0}};
  const ChoiceVerdict verdict =
      ScoreChoices(Sample(), Bytes, 0, 256, model.AsFunction());
  EXPECT_EQ(verdict.chosen, 0);
  EXPECT_EQ(verdict.chosen_norm, 0);
}

TEST(ScoreChoices, TruncatesTheContextFromTheLeft) {
  TableModel model;
  model.by_choice = {{" mat.", -1.0},
                     {" quantum chromodynamics lecture hall.", -1.0},
                     {" dog.", -1.0},
                     {" roof of the old barn.", -1.0}};
  // The longest choice has 37 bytes: a window of 45 leaves BOS + 7 context
  // tokens, the last 7 bytes of the context.
  const ChoiceVerdict verdict =
      ScoreChoices(Sample(), Bytes, 0, 45, model.AsFunction());
  EXPECT_EQ(verdict.context_tokens, 8);
  std::vector<int32_t> expected = {0};
  for (const char c : std::string(" on the")) expected.push_back(c);
  EXPECT_EQ(model.last_context, expected);
  EXPECT_THROW(ScoreChoices(Sample(), Bytes, 0, 38, model.AsFunction()),
               std::invalid_argument);
}

TEST(ScoreChoices, RejectsEmptyChoices) {
  TableModel model;
  data::MultipleChoiceSample sample = Sample();
  sample.choices[1] = "";
  EXPECT_THROW(ScoreChoices(sample, Bytes, 0, 256, model.AsFunction()),
               std::invalid_argument);
}

TEST(ModelLogLikelihood, SumsTheContinuationsLogProbabilities) {
  config::ModelConfig config;
  config.set_vocab_size(16);
  config.set_d_model(16);
  config.set_n_layers(1);
  config.set_n_heads(2);
  config.set_n_kv_heads(1);
  config.set_ffn_hidden(24);
  config.set_init_std(0.5);
  auto model = std::make_unique<model::Llama>(config);
  model->Initialize(3);
  const std::vector<int32_t> context = {15, 3, 7, 1};
  const std::vector<int32_t> continuation = {9, 2, 2};

  model::PackedSequence seq;
  seq.tokens = {15, 3, 7, 1, 9, 2, 2};
  seq.doc_starts = {0, 7};
  const std::vector<float> logits = model->Logits(seq, true);
  double expected = 0.0;
  for (int t = 4; t < 7; ++t) {
    const float* row = logits.data() + (t - 1) * 16;
    double sum = 0.0;
    for (int v = 0; v < 16; ++v) sum += std::exp(row[v]);
    expected += row[seq.tokens[t]] - std::log(sum);
  }
  const double value = ModelLogLikelihood(*model)(context, continuation);
  EXPECT_NEAR(value, expected, 1e-4 * std::abs(expected));
  EXPECT_LT(value, 0.0);
}

}  // namespace
}  // namespace prolong::eval
