#include "experiments/eval/perplexity.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <vector>

namespace prolong::eval {
namespace {

constexpr int32_t kBos = 31;

std::unique_ptr<model::Llama> TinyModel() {
  config::ModelConfig config;
  config.set_vocab_size(32);
  config.set_d_model(16);
  config.set_n_layers(1);
  config.set_n_heads(2);
  config.set_n_kv_heads(1);
  config.set_ffn_hidden(24);
  config.set_init_std(0.5);  // far from uniform, so perplexities differ
  auto model = std::make_unique<model::Llama>(config);
  model->Initialize(11);
  return model;
}

// Documents of the given lengths with pseudo-random tokens in [0, 31).
data::TokenShard MakeShard(const std::vector<int>& lengths) {
  data::TokenShard shard;
  shard.domain = "books";
  uint32_t state = 5;
  for (size_t d = 0; d < lengths.size(); ++d) {
    for (int i = 0; i < lengths[d]; ++i) {
      state = state * 1103515245u + 12345u;
      shard.tokens.push_back(static_cast<int32_t>((state >> 16) % 31));
    }
    shard.doc_offsets.push_back(static_cast<int64_t>(shard.tokens.size()));
    shard.doc_names.push_back("doc" + std::to_string(d));
  }
  return shard;
}

// exp(mean NLL) of the tokens at positions [first, T) of BOS + the
// document's first T - 1 tokens, from the full logit matrix.
double NaivePerplexity(model::Llama& model, const data::TokenShard& shard,
                       int64_t d, int T, int first) {
  model::PackedSequence seq;
  seq.tokens.push_back(kBos);
  for (int i = 0; i < T - 1; ++i) {
    seq.tokens.push_back(shard.tokens[shard.doc_offsets[d] + i]);
  }
  seq.doc_starts = {0, T};
  const std::vector<float> logits = model.Logits(seq, true);
  const int V = 32;
  double nll = 0.0;
  for (int t = first; t < T; ++t) {
    const float* row = logits.data() + static_cast<size_t>(t - 1) * V;
    double max = row[0];
    for (int v = 1; v < V; ++v) max = std::max<double>(max, row[v]);
    double sum = 0.0;
    for (int v = 0; v < V; ++v) sum += std::exp(row[v] - max);
    nll += max + std::log(sum) - row[seq.tokens[t]];
  }
  return std::exp(nll / (T - first));
}

TEST(LongDocumentLoss, IsPerplexityOfTheLastHalf) {
  const auto owned = TinyModel();
  model::Llama& model = *owned;
  const data::TokenShard shard = MakeShard({50, 40});
  const DocumentLoss loss = LongDocumentLoss(model, shard, 0, 16, kBos);
  EXPECT_EQ(loss.document, 0);
  EXPECT_EQ(loss.fed_tokens, 32);
  EXPECT_EQ(loss.targets, 16);
  const double naive = NaivePerplexity(model, shard, 0, 32, 16);
  EXPECT_NEAR(loss.Perplexity(), naive, 1e-4 * naive);
  // Not the perplexity of the whole sequence.
  EXPECT_GT(
      std::abs(loss.Perplexity() - NaivePerplexity(model, shard, 0, 32, 1)),
      1e-3);
}

TEST(LongDocumentLoss, NeedsTwiceTheLength) {
  const auto owned = TinyModel();
  model::Llama& model = *owned;
  const data::TokenShard shard = MakeShard({31, 30});
  EXPECT_TRUE(ReachesTwiceLength(shard, 0, 16));  // BOS + 31 = 32
  EXPECT_FALSE(ReachesTwiceLength(shard, 1, 16));
  EXPECT_NO_THROW(LongDocumentLoss(model, shard, 0, 16, kBos));
  EXPECT_THROW(LongDocumentLoss(model, shard, 1, 16, kBos),
               std::invalid_argument);
}

TEST(ShortDocumentLoss, ScoresEveryTokenUpToTheWindow) {
  const auto owned = TinyModel();
  model::Llama& model = *owned;
  const data::TokenShard shard = MakeShard({10, 100});
  const DocumentLoss whole = ShortDocumentLoss(model, shard, 0, 64, kBos);
  EXPECT_EQ(whole.fed_tokens, 11);
  EXPECT_EQ(whole.targets, 10);
  const double naive_whole = NaivePerplexity(model, shard, 0, 11, 1);
  EXPECT_NEAR(whole.Perplexity(), naive_whole, 1e-4 * naive_whole);

  const DocumentLoss cut = ShortDocumentLoss(model, shard, 1, 64, kBos);
  EXPECT_EQ(cut.fed_tokens, 64);
  EXPECT_EQ(cut.targets, 63);
  const double naive_cut = NaivePerplexity(model, shard, 1, 64, 1);
  EXPECT_NEAR(cut.Perplexity(), naive_cut, 1e-4 * naive_cut);
}

TEST(ShortDocumentLoss, RejectsAnEmptyDocument) {
  const auto owned = TinyModel();
  model::Llama& model = *owned;
  const data::TokenShard shard = MakeShard({0, 5});
  EXPECT_THROW(ShortDocumentLoss(model, shard, 0, 64, kBos),
               std::invalid_argument);
}

}  // namespace
}  // namespace prolong::eval
