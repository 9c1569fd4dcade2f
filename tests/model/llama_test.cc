#include "model/llama.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/rng.h"
#include "gtest/gtest.h"
#include "tests/ops/gradient_check.h"

namespace prolong::model {
namespace {

config::ModelConfig TinyConfig(bool tied) {
  config::ModelConfig config;
  config.set_vocab_size(37);
  config.set_d_model(16);
  config.set_n_layers(2);
  config.set_n_heads(4);
  config.set_n_kv_heads(2);
  config.set_ffn_hidden(40);
  config.set_tie_embeddings(tied);
  config.set_init_std(0.3f);  // large enough that every layer matters
  config.set_rope_theta(100.0);
  return config;
}

PackedSequence RandomSequence(int T, std::vector<int32_t> doc_starts,
                              uint64_t seed, int vocab = 37) {
  data::Rng rng(seed, 0);
  PackedSequence seq;
  for (int t = 0; t < T; ++t) seq.tokens.push_back(rng.Below(vocab));
  seq.doc_starts = std::move(doc_starts);
  return seq;
}

int64_t Numel(const ParamTensor& tensor) {
  int64_t n = 1;
  for (int64_t extent : tensor.shape) n *= extent;
  return n;
}

TEST(LlamaTest, LayoutHasHuggingFaceNamesAndShapes) {
  Llama untied(TinyConfig(false));
  std::map<std::string, ParamTensor> by_name;
  int64_t next_offset = 0;
  for (const ParamTensor& tensor : untied.layout()) {
    EXPECT_EQ(tensor.offset, next_offset) << tensor.name;
    next_offset += Numel(tensor);
    EXPECT_EQ(tensor.weight_decay, tensor.shape.size() == 2) << tensor.name;
    by_name[tensor.name] = tensor;
  }
  EXPECT_EQ(next_offset, untied.num_parameters());
  const std::map<std::string, std::vector<int64_t>> expected = {
      {"model.embed_tokens.weight", {37, 16}},
      {"model.layers.1.input_layernorm.weight", {16}},
      {"model.layers.1.self_attn.q_proj.weight", {16, 16}},
      {"model.layers.1.self_attn.k_proj.weight", {8, 16}},
      {"model.layers.1.self_attn.v_proj.weight", {8, 16}},
      {"model.layers.1.self_attn.o_proj.weight", {16, 16}},
      {"model.layers.1.post_attention_layernorm.weight", {16}},
      {"model.layers.1.mlp.gate_proj.weight", {40, 16}},
      {"model.layers.1.mlp.up_proj.weight", {40, 16}},
      {"model.layers.1.mlp.down_proj.weight", {16, 40}},
      {"model.norm.weight", {16}},
      {"lm_head.weight", {37, 16}},
  };
  for (const auto& [name, shape] : expected) {
    ASSERT_EQ(by_name.count(name), 1u) << name;
    EXPECT_EQ(by_name[name].shape, shape) << name;
  }
  EXPECT_EQ(untied.layout().size(), 1u + 2 * 9 + 2);
  const int64_t per_layer = 2 * 16 + 16 * 16 * 2 + 8 * 16 * 2 + 40 * 16 * 3;
  EXPECT_EQ(untied.num_parameters(), 2 * 37 * 16 + 2 * per_layer + 16);

  Llama tied(TinyConfig(true));
  EXPECT_EQ(tied.num_parameters(), untied.num_parameters() - 37 * 16);
  for (const ParamTensor& tensor : tied.layout()) {
    EXPECT_NE(tensor.name, "lm_head.weight");
  }
}

TEST(LlamaTest, InitializeIsDeterministicAndScaled) {
  config::ModelConfig config = TinyConfig(true);
  config.set_d_model(64);
  config.set_ffn_hidden(256);
  config.set_init_std(0.02f);
  Llama a(config), b(config), c(config);
  a.Initialize(7);
  b.Initialize(7);
  c.Initialize(8);
  const int64_t n = a.num_parameters();
  EXPECT_EQ(0, std::memcmp(a.params(), b.params(), n * sizeof(float)));
  EXPECT_NE(0, std::memcmp(a.params(), c.params(), n * sizeof(float)));
  for (const ParamTensor& tensor : a.layout()) {
    const float* values = a.params() + tensor.offset;
    const int64_t size = Numel(tensor);
    if (tensor.shape.size() == 1) {
      for (int64_t i = 0; i < size; ++i) ASSERT_EQ(values[i], 1.0f);
      continue;
    }
    double sum = 0.0, sum_sq = 0.0;
    for (int64_t i = 0; i < size; ++i) {
      sum += values[i];
      sum_sq += values[i] * values[i];
    }
    const double std = std::sqrt(sum_sq / size - (sum / size) * (sum / size));
    const bool residual = tensor.name.find("o_proj") != std::string::npos ||
                          tensor.name.find("down_proj") != std::string::npos;
    const double expected = residual ? 0.02 / std::sqrt(4.0) : 0.02;
    EXPECT_NEAR(std, expected, 0.1 * expected) << tensor.name;
    EXPECT_NEAR(sum / size, 0.0, 0.1 * expected) << tensor.name;
  }
}

TEST(LlamaTest, CountTargetsSkipsDocumentStartsMaskAndLastToken) {
  PackedSequence seq = RandomSequence(12, {0, 0, 4, 4, 5, 12}, 1);
  // Pairs within documents: [0,4) -> 3, [4,5) -> 0, [5,12) -> 6.
  EXPECT_EQ(CountTargets(seq), 9);
  seq.loss_mask.assign(12, 1);
  seq.loss_mask[0] = 0;   // a document start: no change
  seq.loss_mask[2] = 0;   // removes the pair (1, 2)
  seq.loss_mask[11] = 0;  // removes the pair (10, 11)
  EXPECT_EQ(CountTargets(seq), 7);
  Llama model(TinyConfig(true));
  model.Initialize(1);
  EXPECT_EQ(model.Forward(seq, true).targets, 7);
}

TEST(LlamaTest, RejectsInvalidSequences) {
  Llama model(TinyConfig(true));
  EXPECT_THROW(model.Forward(RandomSequence(5, {0, 4}, 1), true),
               std::invalid_argument);
  EXPECT_THROW(model.Forward(RandomSequence(5, {0, 3, 2, 5}, 1), true),
               std::invalid_argument);
  PackedSequence bad_token = RandomSequence(5, {0, 5}, 1);
  bad_token.tokens[2] = 37;
  EXPECT_THROW(model.Forward(bad_token, true), std::invalid_argument);
}

// d loss / d params by central differences on the fp32 model (loss summed
// in double), on a sample that covers every tensor.
void CheckGradient(bool tied, bool document_masking,
                   const PackedSequence& seq) {
  SCOPED_TRACE(std::string("tied=") + (tied ? "1" : "0") +
               " masking=" + (document_masking ? "1" : "0"));
  Llama model(TinyConfig(tied));
  model.Initialize(3);
  model.SetThreads(2);
  const int64_t targets = CountTargets(seq);
  ASSERT_GT(targets, 0);
  const float weight = 1.0f / targets;
  model.ZeroGrads();
  const LossSum loss = model.ForwardBackward(seq, document_masking, weight);
  EXPECT_EQ(loss.targets, targets);
  EXPECT_EQ(loss.loss_sum, model.Forward(seq, document_masking).loss_sum);
  const std::vector<float> grads(model.grads(),
                                 model.grads() + model.num_parameters());

  std::vector<int64_t> indices;
  for (size_t i = 0; i < model.layout().size(); ++i) {
    const ParamTensor& tensor = model.layout()[i];
    for (int64_t j : testing::SampleIndices(Numel(tensor), 12, i)) {
      indices.push_back(tensor.offset + j);
    }
  }
  constexpr double kEps = 1e-2;
  double worst = 0.0;
  int failures = 0;
  float* params = model.params();
  for (int64_t i : indices) {
    const float original = params[i];
    params[i] = original + static_cast<float>(kEps);
    const double plus = model.Forward(seq, document_masking).loss_sum;
    params[i] = original - static_cast<float>(kEps);
    const double minus = model.Forward(seq, document_masking).loss_sum;
    params[i] = original;
    const double numeric = weight * (plus - minus) / (2 * kEps);
    const double error = std::abs(grads[i] - numeric);
    worst = std::max(worst, error / (1e-3 + std::abs(numeric)));
    if (error > 1e-3 + 2e-2 * std::abs(numeric) && ++failures <= 5) {
      ADD_FAILURE() << "param " << i << ": grad " << grads[i]
                    << ", finite difference " << numeric;
    }
  }
  EXPECT_EQ(failures, 0) << "of " << indices.size() << "; worst relative "
                         << worst;
}

TEST(LlamaTest, GradientMatchesFiniteDifferences) {
  const PackedSequence seq = RandomSequence(24, {0, 7, 15, 24}, 5);
  CheckGradient(/*tied=*/true, /*document_masking=*/true, seq);
  CheckGradient(/*tied=*/false, /*document_masking=*/false, seq);
}

TEST(LlamaTest, GradientMatchesFiniteDifferencesWithLossMask) {
  PackedSequence seq = RandomSequence(24, {0, 0, 1, 10, 24, 24}, 6);
  seq.loss_mask.assign(24, 1);
  for (int t = 12; t < 18; ++t) seq.loss_mask[t] = 0;
  CheckGradient(/*tied=*/false, /*document_masking=*/true, seq);
}

TEST(LlamaTest, DocumentMaskingIsolatesDocuments) {
  Llama model(TinyConfig(true));
  model.Initialize(4);
  PackedSequence seq = RandomSequence(30, {0, 12, 30}, 7);
  PackedSequence changed = seq;
  for (int t = 0; t < 12; ++t) changed.tokens[t] = (seq.tokens[t] + 1) % 37;
  const int V = 37;
  for (bool masking : {true, false}) {
    const std::vector<float> a = model.Logits(seq, masking);
    const std::vector<float> b = model.Logits(changed, masking);
    double second_doc_diff = 0.0;
    for (size_t i = 12 * V; i < a.size(); ++i) {
      second_doc_diff += std::abs(a[i] - b[i]);
    }
    if (masking) {
      EXPECT_EQ(second_doc_diff, 0.0);
    } else {
      EXPECT_GT(second_doc_diff, 1e-3);
    }
  }
}

TEST(LlamaTest, RopeThetaChangesTheModel) {
  Llama model(TinyConfig(true));
  model.Initialize(4);
  const PackedSequence seq = RandomSequence(20, {0, 20}, 8);
  EXPECT_EQ(model.rope_theta(), 100.0);
  const double before = model.Forward(seq, true).loss_sum;
  model.SetRopeTheta(1e6);
  EXPECT_EQ(model.rope_theta(), 1e6);
  EXPECT_NE(model.Forward(seq, true).loss_sum, before);
  model.SetRopeTheta(100.0);
  EXPECT_EQ(model.Forward(seq, true).loss_sum, before);
}

// Loss and gradients of one ForwardBackward with `threads` threads.
std::vector<float> LossAndGrads(int threads, const PackedSequence& seq,
                                bool recompute = false) {
  Llama model(TinyConfig(false));
  model.Initialize(9);
  model.SetThreads(threads);
  model.SetActivationRecomputation(recompute);
  model.ZeroGrads();
  const LossSum loss = model.ForwardBackward(seq, true, 0.01f);
  std::vector<float> result(model.grads(),
                            model.grads() + model.num_parameters());
  result.push_back(static_cast<float>(loss.loss_sum));
  return result;
}

TEST(LlamaTest, ForwardBackwardIsByteIdentical) {
  // Long enough for several attention tiles and matmul row tiles.
  const PackedSequence seq = RandomSequence(300, {0, 5, 100, 101, 300}, 10);
  const std::vector<float> one = LossAndGrads(1, seq);
  const std::vector<float> one_again = LossAndGrads(1, seq);
  const std::vector<float> two = LossAndGrads(2, seq);
  const std::vector<float> two_again = LossAndGrads(2, seq);
  const size_t bytes = one.size() * sizeof(float);
  EXPECT_EQ(0, std::memcmp(one.data(), one_again.data(), bytes));
  EXPECT_EQ(0, std::memcmp(two.data(), two_again.data(), bytes));
  // The tiling never depends on the thread count.
  EXPECT_EQ(0, std::memcmp(one.data(), two.data(), bytes));
}

TEST(LlamaTest, ActivationRecomputationGivesTheSameBytes) {
  const PackedSequence seq = RandomSequence(300, {0, 5, 100, 101, 300}, 10);
  const std::vector<float> stored = LossAndGrads(2, seq);
  const std::vector<float> recomputed = LossAndGrads(2, seq, true);
  ASSERT_EQ(stored.size(), recomputed.size());
  EXPECT_EQ(0, std::memcmp(stored.data(), recomputed.data(),
                           stored.size() * sizeof(float)));
}

TEST(LlamaTest, GradientsAccumulateAcrossCalls) {
  Llama model(TinyConfig(true));
  model.Initialize(2);
  const PackedSequence seq = RandomSequence(24, {0, 24}, 11);
  model.ZeroGrads();
  model.ForwardBackward(seq, true, 1.0f);
  const std::vector<float> once(model.grads(),
                                model.grads() + model.num_parameters());
  model.ForwardBackward(seq, true, 1.0f);
  for (int64_t i = 0; i < model.num_parameters(); ++i) {
    ASSERT_NEAR(model.grads()[i], 2 * once[i], 1e-5 + 1e-5 * std::abs(once[i]))
        << i;
  }
  model.ZeroGrads();
  for (int64_t i = 0; i < model.num_parameters(); ++i) {
    ASSERT_EQ(model.grads()[i], 0.0f);
  }
}

// Greedy continuation recomputed from scratch: argmax of the last row of the
// full forward's logits, one token at a time.
std::vector<int32_t> ReferenceGreedy(Llama* model, std::vector<int32_t> tokens,
                                     int max_new_tokens) {
  const int V = model->config().vocab_size();
  std::vector<int32_t> generated;
  for (int i = 0; i < max_new_tokens; ++i) {
    PackedSequence seq;
    seq.tokens = tokens;
    seq.doc_starts = {0, static_cast<int32_t>(tokens.size())};
    const std::vector<float> logits = model->Logits(seq, false);
    const float* last = logits.data() + (tokens.size() - 1) * V;
    const int32_t next =
        static_cast<int32_t>(std::max_element(last, last + V) - last);
    generated.push_back(next);
    tokens.push_back(next);
  }
  return generated;
}

TEST(GeneratorTest, MatchesFullForwardArgmax) {
  config::ModelConfig config = TinyConfig(false);
  config.set_init_std(1.0f);  // sharp, varied predictions
  Llama model(config);
  model.Initialize(12);
  model.SetThreads(2);
  const std::vector<int32_t> prompt = {3, 14, 15, 9, 26, 5};
  const std::vector<int32_t> expected = ReferenceGreedy(&model, prompt, 20);
  Generator generator(model, 100);
  const std::vector<int32_t> generated = generator.Greedy(prompt, 20, {});
  EXPECT_EQ(generated, expected);
  ASSERT_GE(std::set<int32_t>(expected.begin(), expected.end()).size(), 3u)
      << "degenerate continuation makes the check weak";

  // A stop token ends generation before it is emitted.
  const int32_t stop_token = expected[5];
  const std::vector<int32_t> until_stop =
      generator.Greedy(prompt, 20, {stop_token});
  const auto first_stop =
      std::find(expected.begin(), expected.end(), stop_token);
  EXPECT_EQ(until_stop, std::vector<int32_t>(expected.begin(), first_stop));

  // The callback sees the tokens so far.
  const std::vector<int32_t> four = generator.Greedy(
      prompt, 20, {},
      [](const std::vector<int32_t>& so_far) { return so_far.size() == 4; });
  EXPECT_EQ(four, std::vector<int32_t>(expected.begin(), expected.begin() + 4));

  // A stop sequence (what a stop string tokenizes to) ends generation right
  // after its first occurrence, with the sequence kept.
  const std::vector<int32_t> stop_sequence(expected.begin() + 6,
                                           expected.begin() + 8);
  const auto first_occurrence =
      std::search(expected.begin(), expected.end(), stop_sequence.begin(),
                  stop_sequence.end());
  const std::vector<int32_t> until_sequence =
      generator.Greedy(prompt, 20, {}, [&](const std::vector<int32_t>& so_far) {
        return so_far.size() >= stop_sequence.size() &&
               std::equal(stop_sequence.begin(), stop_sequence.end(),
                          so_far.end() - stop_sequence.size());
      });
  EXPECT_EQ(until_sequence,
            std::vector<int32_t>(expected.begin(), first_occurrence + 2));

  // max_len bounds prompt + generated tokens.
  Generator short_generator(model, 9);
  EXPECT_EQ(short_generator.Greedy(prompt, 20, {}),
            std::vector<int32_t>(expected.begin(), expected.begin() + 3));
  EXPECT_THROW(Generator(model, 5).Greedy(prompt, 1, {}),
               std::invalid_argument);
}

}  // namespace
}  // namespace prolong::model
