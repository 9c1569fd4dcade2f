// The evaluator's decoding rules and bookkeeping, with a model rigged to
// always predict "\n": tasks that stop at a newline (ICL) end right there
// with an empty prediction; the others (JSON KV) run to their budget.
#include "experiments/eval/evaluator.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace prolong::eval {
namespace {

constexpr int kLength = 1024, kSamples = 6;

// Bytes only (no merges): 256 byte tokens + the special tokens.
data::BpeTokenizer ByteTokenizer() {
  return data::BpeTokenizer::Train({"a"}, 261, 1);
}

// Every token embeds to the same vector except '\n', which embeds to twice
// it; attention and MLP outputs are zero and norms are 1, so the tied LM
// head scores '\n' highest after any input.
std::unique_ptr<model::Llama> NewlineModel(int vocab) {
  config::ModelConfig shape;
  shape.set_vocab_size(vocab);
  shape.set_d_model(16);
  shape.set_n_layers(1);
  shape.set_n_heads(2);
  shape.set_n_kv_heads(1);
  shape.set_ffn_hidden(32);
  auto model = std::make_unique<model::Llama>(shape);
  std::fill(model->params(), model->params() + model->num_parameters(), 0.0f);
  for (const auto& tensor : model->layout()) {
    float* data = model->params() + tensor.offset;
    int64_t size = 1;
    for (const int64_t dim : tensor.shape) size *= dim;
    if (tensor.name.find("norm") != std::string::npos) {
      std::fill(data, data + size, 1.0f);
    } else if (tensor.name == "model.embed_tokens.weight") {
      for (int64_t i = 0; i < size; ++i) {
        data[i] = (i / 16 == '\n' ? 2.0f : 1.0f) * ((i % 16) + 1) / 16.0f;
      }
    }
  }
  model->SetThreads(1);
  return model;
}

Materials FaqMaterial() {
  data::Corpus faq;
  for (int section = 1; section <= 3; ++section) {
    for (int k = 0; k < 20; ++k) {
      faq.documents.push_back(
          {"perlfaq" + std::to_string(section) + ".pod#" + std::to_string(k),
           "How do I do thing " + std::to_string(k) + " of kind " +
               std::to_string(section) + "?\n\nLike this."});
    }
  }
  return {{"faq", faq}};
}

config::EvalConfig Suite() {
  config::EvalConfig config;
  config.add_lengths(kLength);
  auto* json_kv = config.add_tasks();
  json_kv->set_kind(config::JSON_KV);
  json_kv->set_samples(kSamples);
  json_kv->set_max_new_tokens(8);
  auto* icl = config.add_tasks();
  icl->set_kind(config::ICL_PERL_FAQ);
  icl->set_samples(kSamples);
  icl->set_max_new_tokens(8);
  icl->set_material("faq");
  return config;
}

TEST(EvaluatorTest, StopsAtANewlineOnlyWhereHelmetDoes) {
  const auto tokenizer = ByteTokenizer();
  const auto model = NewlineModel(tokenizer.vocab_size());
  std::vector<TaskTiming> timings;
  const EvalResults results =
      Evaluate(Suite(), *model, tokenizer, FaqMaterial(), &timings);
  ASSERT_EQ(results.tasks.size(), 2u);
  ASSERT_EQ(timings.size(), 2u);

  const TaskResult& json_kv = results.tasks[0];
  EXPECT_EQ(json_kv.task, "json_kv");
  EXPECT_EQ(json_kv.category, "Recall");
  ASSERT_EQ(json_kv.predictions.size(), static_cast<size_t>(kSamples));
  for (const auto& prediction : json_kv.predictions) {
    EXPECT_EQ(prediction, std::string(8, '\n'));
  }
  EXPECT_EQ(timings[0].decode_tokens, kSamples * 7);

  const TaskResult& icl = results.tasks[1];
  EXPECT_EQ(icl.task, "icl_perl_faq");
  EXPECT_EQ(icl.category, "ICL");
  ASSERT_EQ(icl.predictions.size(), static_cast<size_t>(kSamples));
  for (const auto& prediction : icl.predictions) EXPECT_EQ(prediction, "");
  EXPECT_EQ(timings[1].decode_tokens, 0);

  for (size_t t = 0; t < 2; ++t) {
    EXPECT_EQ(timings[t].task, results.tasks[t].task);
    EXPECT_EQ(timings[t].length, kLength);
    EXPECT_EQ(timings[t].samples, kSamples);
    int64_t prompt_tokens = 0;
    for (const int32_t n : results.tasks[t].prompt_tokens) {
      EXPECT_LE(n + 8, kLength);  // the prompt leaves room for the answer
      prompt_tokens += n;
    }
    EXPECT_EQ(timings[t].prompt_tokens, prompt_tokens);
    EXPECT_GE(timings[t].total_seconds, timings[t].generate_seconds);
  }
}

TEST(EvaluatorTest, Deterministic) {
  const auto tokenizer = ByteTokenizer();
  auto model = NewlineModel(tokenizer.vocab_size());
  model->Initialize(3);  // random weights: any predictions
  const EvalResults a = Evaluate(Suite(), *model, tokenizer, FaqMaterial());
  const EvalResults b = Evaluate(Suite(), *model, tokenizer, FaqMaterial());
  for (size_t t = 0; t < a.tasks.size(); ++t) {
    EXPECT_EQ(a.tasks[t].predictions, b.tasks[t].predictions);
    EXPECT_EQ(a.tasks[t].scores, b.tasks[t].scores);
  }
}

TEST(EvaluatorTest, MissingMaterialFails) {
  const auto tokenizer = ByteTokenizer();
  const auto model = NewlineModel(tokenizer.vocab_size());
  EXPECT_THROW(Evaluate(Suite(), *model, tokenizer, {}), std::runtime_error);
}

}  // namespace
}  // namespace prolong::eval
