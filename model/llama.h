// A Llama-style decoder-only transformer trained on the CPU.
//
//   tokens (T) -> embedding (T, D)
//   n_layers x [ x += Wo·Attn(RoPE(Wq·RMSNorm(x)), RoPE(Wk·..), Wv·..)
//                x += W2·(SiLU(W1·RMSNorm(x)) * W3·RMSNorm(x)) ]
//   -> RMSNorm -> LM head (V) -> cross-entropy
//
// One packed sequence of T tokens holds several documents; `doc_starts`
// (cu_seqlens) gives their boundaries. With document masking, attention is
// block-diagonal causal; without it, plain causal attention over the whole
// sequence (the paper's no-mask ablation). The first token of every
// document is never a target, so no document predicts the next one.
//
// RoPE uses Hugging Face's rotate-half pair convention (dimension i pairs
// with i + head_dim/2) so real Llama weights load unchanged; cos/sin tables
// are fp32, computed in double. Positions run over the whole packed
// sequence, as ProLong's code does (equivalent under document masking).
//
// All parameters live in one flat fp32 buffer, gradients in another of the
// same layout; `layout()` names each tensor.
#ifndef PROLONG_MODEL_LLAMA_H_
#define PROLONG_MODEL_LLAMA_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "experiments/config/config.pb.h"

namespace prolong::model {

// One packed training sequence.
struct PackedSequence {
  std::vector<int32_t> tokens;  // (T)
  // (D + 1): 0 = s_0 <= s_1 <= ... <= s_D = T; a repeated value is an
  // empty document.
  std::vector<int32_t> doc_starts;
  // (T) or empty. 0 marks a token that is never a target (SFT: everything
  // but assistant replies). Empty means every token may be a target.
  std::vector<uint8_t> loss_mask;
};

// Number of (position, next token) pairs that count in the loss.
int64_t CountTargets(const PackedSequence& seq);

struct ParamTensor {
  // Hugging Face name, e.g. "model.layers.0.self_attn.q_proj.weight".
  std::string name;
  int64_t offset;              // into params() / grads()
  std::vector<int64_t> shape;  // row-major
  bool weight_decay;           // true for matrices, false for norms
};

struct LossSum {
  double loss_sum = 0.0;  // sum of cross-entropy over targets (nats)
  int64_t targets = 0;
};

class Llama {
 public:
  // config.vocab_size must be > 0.
  explicit Llama(const config::ModelConfig& config);
  ~Llama();

  const config::ModelConfig& config() const;
  int64_t num_parameters() const;
  float* params();
  const float* params() const;
  float* grads();
  const std::vector<ParamTensor>& layout() const;

  // Deterministic initialisation from a seed (counter-based RNG).
  void Initialize(uint64_t seed);
  // RoPE frequency base; rebuilds the cos/sin tables.
  void SetRopeTheta(double theta);
  double rope_theta() const;
  // Worker threads used by forward/backward; results are byte-identical for
  // a fixed count.
  void SetThreads(int threads);
  int threads() const;

  // Activation recomputation (off by default): ForwardBackward keeps only
  // each layer's input and re-runs the layer's forward during the backward,
  // trading about one more forward pass for activation memory of D instead
  // of ~4D + 3F + 2(q_dim + kv_dim) floats per token and layer. Gradients
  // are byte-identical either way.
  void SetActivationRecomputation(bool recompute);
  bool activation_recomputation() const;

  // Loss only.
  LossSum Forward(const PackedSequence& seq, bool document_masking);
  // Forward and backward. ADDS d(weight_per_target * sum of CE) / d params to
  // grads(); the caller zeroes grads() at the start of each optimizer step.
  LossSum ForwardBackward(const PackedSequence& seq, bool document_masking,
                          float weight_per_target);
  void ZeroGrads();

  // Logits (T, V) of every position, row-major; for tests and evaluation
  // (allocates T * V floats, unlike the chunked loss).
  std::vector<float> Logits(const PackedSequence& seq, bool document_masking);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Greedy decoding with a per-layer KV cache. The prompt is one document
// (plain causal attention); positions continue from the prompt. The prompt
// runs through the batched forward, then one token per step.
class Generator {
 public:
  // `max_len` bounds prompt + generated tokens.
  Generator(const Llama& model, int max_len);
  ~Generator();
  // Feeds `prompt` and then appends greedy tokens until `max_new_tokens`,
  // a token in `stop_tokens`, or `stop(generated)` returns true. Returns the
  // generated tokens (without the prompt, with no stop token).
  std::vector<int32_t> Greedy(
      const std::vector<int32_t>& prompt, int max_new_tokens,
      const std::vector<int32_t>& stop_tokens,
      const std::function<bool(const std::vector<int32_t>&)>& stop = nullptr);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace prolong::model

#endif  // PROLONG_MODEL_LLAMA_H_
