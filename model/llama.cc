#include "model/llama.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "data/rng.h"
#include "ops/attention.h"
#include "ops/cross_entropy.h"
#include "ops/embedding.h"
#include "ops/matmul.h"
#include "ops/rmsnorm.h"
#include "ops/rope.h"
#include "ops/swiglu.h"

namespace prolong::model {
namespace {

// Sizes derived from the config.
struct Dims {
  int vocab;     // V
  int d_model;   // D
  int layers;    // L
  int heads;     // Hq
  int kv_heads;  // Hkv
  int head_dim;  // D / Hq
  int ffn;       // F
  int q_dim;     // Hq * head_dim
  int kv_dim;    // Hkv * head_dim
  float norm_eps;
  bool tied;
};

Dims MakeDims(const config::ModelConfig& config) {
  auto require = [](bool ok, const std::string& what) {
    if (!ok) throw std::invalid_argument("ModelConfig: " + what);
  };
  require(config.vocab_size() > 0, "vocab_size must be > 0");
  require(config.n_layers() > 0, "n_layers must be > 0");
  require(config.n_heads() > 0 && config.n_kv_heads() > 0,
          "n_heads and n_kv_heads must be > 0");
  require(config.n_heads() % config.n_kv_heads() == 0,
          "n_kv_heads must divide n_heads");
  require(config.d_model() % config.n_heads() == 0,
          "n_heads must divide d_model");
  require((config.d_model() / config.n_heads()) % 2 == 0,
          "head dimension must be even (RoPE pairs)");
  require(config.ffn_hidden() > 0, "ffn_hidden must be > 0");
  Dims dims;
  dims.vocab = config.vocab_size();
  dims.d_model = config.d_model();
  dims.layers = config.n_layers();
  dims.heads = config.n_heads();
  dims.kv_heads = config.n_kv_heads();
  dims.head_dim = dims.d_model / dims.heads;
  dims.ffn = config.ffn_hidden();
  dims.q_dim = dims.heads * dims.head_dim;
  dims.kv_dim = dims.kv_heads * dims.head_dim;
  dims.norm_eps = config.norm_eps();
  dims.tied = config.tie_embeddings();
  return dims;
}

// Offsets of one layer's tensors in the flat parameter buffer.
struct LayerOffsets {
  int64_t q, k, v, o;      // (q_dim, D), (kv_dim, D) x 2, (D, q_dim)
  int64_t gate, up, down;  // (F, D), (F, D), (D, F)
  int64_t input_norm;      // (D)
  int64_t post_norm;       // (D)
};

enum class InitKind { kOnes, kNormal, kNormalResidual };

// Where every tensor lives, in Hugging Face's named_parameters() order.
struct ParamLayout {
  std::vector<ParamTensor> tensors;
  std::vector<InitKind> init;  // one per tensor
  int64_t embed = 0;           // (V, D)
  std::vector<LayerOffsets> layers;
  int64_t final_norm = 0;  // (D)
  int64_t lm_head = 0;     // (V, D); == embed when tied
  int64_t total = 0;
};

ParamLayout MakeLayout(const Dims& dims) {
  ParamLayout layout;
  auto add = [&layout](const std::string& name, std::vector<int64_t> shape,
                       InitKind init) {
    int64_t size = 1;
    for (int64_t extent : shape) size *= extent;
    const bool matrix = shape.size() == 2;
    layout.tensors.push_back({name, layout.total, std::move(shape), matrix});
    layout.init.push_back(init);
    layout.total += size;
    return layout.total - size;
  };
  const int64_t V = dims.vocab, D = dims.d_model, F = dims.ffn;
  layout.embed = add("model.embed_tokens.weight", {V, D}, InitKind::kNormal);
  for (int l = 0; l < dims.layers; ++l) {
    const std::string prefix = "model.layers." + std::to_string(l) + ".";
    LayerOffsets offsets;
    offsets.q = add(prefix + "self_attn.q_proj.weight", {dims.q_dim, D},
                    InitKind::kNormal);
    offsets.k = add(prefix + "self_attn.k_proj.weight", {dims.kv_dim, D},
                    InitKind::kNormal);
    offsets.v = add(prefix + "self_attn.v_proj.weight", {dims.kv_dim, D},
                    InitKind::kNormal);
    offsets.o = add(prefix + "self_attn.o_proj.weight", {D, dims.q_dim},
                    InitKind::kNormalResidual);
    offsets.gate =
        add(prefix + "mlp.gate_proj.weight", {F, D}, InitKind::kNormal);
    offsets.up = add(prefix + "mlp.up_proj.weight", {F, D}, InitKind::kNormal);
    offsets.down =
        add(prefix + "mlp.down_proj.weight", {D, F}, InitKind::kNormalResidual);
    offsets.input_norm =
        add(prefix + "input_layernorm.weight", {D}, InitKind::kOnes);
    offsets.post_norm =
        add(prefix + "post_attention_layernorm.weight", {D}, InitKind::kOnes);
    layout.layers.push_back(offsets);
  }
  layout.final_norm = add("model.norm.weight", {D}, InitKind::kOnes);
  layout.lm_head = dims.tied ? layout.embed
                             : add("lm_head.weight", {V, D}, InitKind::kNormal);
  return layout;
}

// RoPE cos/sin tables (positions, head_dim / 2), grown on demand.
class RopeTable {
 public:
  RopeTable(double theta, int head_dim) : theta_(theta), head_dim_(head_dim) {}

  double theta() const { return theta_; }
  void SetTheta(double theta) {
    theta_ = theta;
    Build(positions_);
  }
  // Makes positions [0, positions) available.
  void Reserve(int positions) {
    if (positions > positions_) Build(positions);
  }
  const float* cos() const { return cos_.data(); }
  const float* sin() const { return sin_.data(); }

 private:
  void Build(int positions) {
    positions_ = positions;
    cos_.resize(static_cast<size_t>(positions) * head_dim_ / 2);
    sin_.resize(cos_.size());
    ops::RopeTables(cos_.data(), sin_.data(), positions, head_dim_, theta_);
  }

  double theta_;
  int head_dim_;
  int positions_ = 0;
  std::vector<float> cos_;
  std::vector<float> sin_;
};

// What the backward needs from one layer's forward, T rows each (besides
// the layer's input, which Activations keeps).
struct LayerActivations {
  std::vector<float> ln1;     // (T, D)
  std::vector<float> rstd1;   // (T)
  std::vector<float> q;       // (T, Hq, head_dim), after RoPE
  std::vector<float> k;       // (T, Hkv, head_dim), after RoPE
  std::vector<float> v;       // (T, Hkv, head_dim)
  std::vector<float> att;     // (T, Hq, head_dim)
  std::vector<float> lse;     // (Hq, T)
  std::vector<float> mid;     // (T, D) residual stream after attention
  std::vector<float> ln2;     // (T, D)
  std::vector<float> rstd2;   // (T)
  std::vector<float> gate;    // (T, F)
  std::vector<float> up;      // (T, F)
  std::vector<float> swiglu;  // (T, F)

  void Resize(const Dims& dims, size_t t) {
    ln1.resize(t * dims.d_model);
    rstd1.resize(t);
    q.resize(t * dims.q_dim);
    k.resize(t * dims.kv_dim);
    v.resize(t * dims.kv_dim);
    att.resize(t * dims.q_dim);
    lse.resize(t * dims.heads);
    mid.resize(t * dims.d_model);
    ln2.resize(t * dims.d_model);
    rstd2.resize(t);
    gate.resize(t * dims.ffn);
    up.resize(t * dims.ffn);
    swiglu.resize(t * dims.ffn);
  }
};

// Activations of a batched forward. Without recomputation every layer keeps
// its LayerActivations (about 4D + 3F + 2 q_dim + 2 kv_dim floats per token
// and layer); with it only the layers' inputs (D per token and layer) are
// kept, and one LayerActivations is refilled layer by layer: by the forward,
// then again by the backward, which re-runs each layer's forward from its
// input (the same operations on the same bytes, so the gradients are
// byte-identical) just before that layer's backward.
struct Activations {
  bool recompute = false;
  std::vector<std::vector<float>> inputs;  // n_layers x (T, D)
  std::vector<LayerActivations> layers;    // n_layers, or 1 with recompute
  std::vector<float> output;               // (T, D) after all layers
  std::vector<float> final_norm;           // (T, D)
  std::vector<float> final_rstd;           // (T)

  void Resize(const Dims& dims, int T, bool recompute_layers) {
    const size_t t = T;
    recompute = recompute_layers;
    inputs.resize(dims.layers);
    for (auto& input : inputs) input.resize(t * dims.d_model);
    layers.resize(recompute ? 1 : dims.layers);
    for (LayerActivations& a : layers) a.Resize(dims, t);
    output.resize(t * dims.d_model);
    final_norm.resize(t * dims.d_model);
    final_rstd.resize(t);
  }

  // Where layer l's activations are (or are recomputed into).
  LayerActivations& Layer(int l) { return layers[recompute ? 0 : l]; }
};

// The backward's gradient buffers, kept from one step to the next like the
// activations: allocating them every step (6.7 MB at 1K tokens) cost page
// faults and memsets on the main thread while the other thread waited. The
// backward clears each one before ops accumulate into it.
struct BackwardBuffers {
  std::vector<float> dresidual;        // (T, D) w.r.t. the residual stream
  std::vector<float> dnormed;          // (T, D)
  std::vector<float> dswiglu;          // (T, F)
  std::vector<float> dgate;            // (T, F)
  std::vector<float> dup;              // (T, F)
  std::vector<float> datt;             // (T, Hq * head_dim)
  std::vector<float> dq;               // (T, Hq * head_dim)
  std::vector<float> dk;               // (T, Hkv * head_dim)
  std::vector<float> dv;               // (T, Hkv * head_dim)
  std::vector<float> projected, next;  // (T, D) recomputation scratch

  void Resize(const Dims& dims, int T, bool recompute) {
    const size_t t = T;
    dresidual.resize(t * dims.d_model);
    dnormed.resize(t * dims.d_model);
    dswiglu.resize(t * dims.ffn);
    dgate.resize(t * dims.ffn);
    dup.resize(t * dims.ffn);
    datt.resize(t * dims.q_dim);
    dq.resize(t * dims.q_dim);
    dk.resize(t * dims.kv_dim);
    dv.resize(t * dims.kv_dim);
    projected.resize(recompute ? t * dims.d_model : 0);
    next.resize(recompute ? t * dims.d_model : 0);
  }
};

// v = 0, split over the threads.
void Zero(std::vector<float>* v) {
  const int64_t n = v->size();
  float* data = v->data();
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) data[i] = 0.0f;
}

// dst (n) = a (n) + b (n).
void Add(float* dst, const float* a, const float* b, int64_t n) {
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) dst[i] = a[i] + b[i];
}

// One layer's forward: input (T, D) -> a, and next (T, D), the residual
// stream leaving the layer. projected (T, D) is scratch.
void LayerForward(const float* params, const LayerOffsets& w, const Dims& dims,
                  const RopeTable& rope, const int32_t* positions,
                  const int32_t* doc_starts, int num_docs,
                  bool document_masking, int T, const float* input,
                  LayerActivations* a, float* projected, float* next) {
  const int D = dims.d_model, F = dims.ffn;
  ops::RmsNormForward(a->ln1.data(), a->rstd1.data(), input,
                      params + w.input_norm, T, D, dims.norm_eps);
  ops::MatmulForward(a->q.data(), a->ln1.data(), params + w.q, T, D,
                     dims.q_dim);
  ops::MatmulForward(a->k.data(), a->ln1.data(), params + w.k, T, D,
                     dims.kv_dim);
  ops::MatmulForward(a->v.data(), a->ln1.data(), params + w.v, T, D,
                     dims.kv_dim);
  ops::RopeForward(a->q.data(), rope.cos(), rope.sin(), positions, T,
                   dims.heads, dims.head_dim);
  ops::RopeForward(a->k.data(), rope.cos(), rope.sin(), positions, T,
                   dims.kv_heads, dims.head_dim);
  ops::AttentionForward(a->att.data(), a->lse.data(), a->q.data(), a->k.data(),
                        a->v.data(), doc_starts, num_docs, document_masking, T,
                        dims.heads, dims.kv_heads, dims.head_dim);
  ops::MatmulForward(projected, a->att.data(), params + w.o, T, dims.q_dim, D);
  Add(a->mid.data(), input, projected, static_cast<int64_t>(T) * D);
  ops::RmsNormForward(a->ln2.data(), a->rstd2.data(), a->mid.data(),
                      params + w.post_norm, T, D, dims.norm_eps);
  ops::MatmulForward(a->gate.data(), a->ln2.data(), params + w.gate, T, D, F);
  ops::MatmulForward(a->up.data(), a->ln2.data(), params + w.up, T, D, F);
  ops::SwiGluForward(a->swiglu.data(), a->gate.data(), a->up.data(),
                     static_cast<int64_t>(T) * F);
  ops::MatmulForward(projected, a->swiglu.data(), params + w.down, T, F, D);
  Add(next, a->mid.data(), projected, static_cast<int64_t>(T) * D);
}

// The batched forward up to the final norm: tokens (T) -> acts.
// doc_starts (num_docs + 1) as in PackedSequence; positions are 0..T-1.
void RunForward(const float* params, const ParamLayout& layout,
                const Dims& dims, const RopeTable& rope, const int32_t* tokens,
                const int32_t* doc_starts, int num_docs, bool document_masking,
                int T, bool recompute, Activations* acts) {
  acts->Resize(dims, T, recompute);
  std::vector<int32_t> positions(T);
  for (int t = 0; t < T; ++t) positions[t] = t;
  const int D = dims.d_model;
  std::vector<float> projected(static_cast<size_t>(T) * D);  // (T, D)
  ops::EmbeddingForward(acts->inputs[0].data(), tokens, params + layout.embed,
                        T, D);
  for (int l = 0; l < dims.layers; ++l) {
    float* next =
        l + 1 < dims.layers ? acts->inputs[l + 1].data() : acts->output.data();
    LayerForward(params, layout.layers[l], dims, rope, positions.data(),
                 doc_starts, num_docs, document_masking, T,
                 acts->inputs[l].data(), &acts->Layer(l), projected.data(),
                 next);
  }
  ops::RmsNormForward(acts->final_norm.data(), acts->final_rstd.data(),
                      acts->output.data(), params + layout.final_norm, T, D,
                      dims.norm_eps);
}

void ValidateSequence(const PackedSequence& seq, int vocab) {
  auto require = [](bool ok, const std::string& what) {
    if (!ok) throw std::invalid_argument("PackedSequence: " + what);
  };
  const int64_t T = seq.tokens.size();
  require(T > 0, "no tokens");
  require(seq.doc_starts.size() >= 2 && seq.doc_starts.front() == 0 &&
              seq.doc_starts.back() == T,
          "doc_starts must run from 0 to the number of tokens");
  require(std::is_sorted(seq.doc_starts.begin(), seq.doc_starts.end()),
          "doc_starts must not decrease");
  require(
      seq.loss_mask.empty() || static_cast<int64_t>(seq.loss_mask.size()) == T,
      "loss_mask must be empty or hold one entry per token");
  for (int32_t token : seq.tokens) {
    require(token >= 0 && token < vocab,
            "token " + std::to_string(token) + " outside the vocabulary");
  }
}

// targets (T): the next token, or -1 where position t has none (last
// position, next token starts a document, or is masked out of the loss).
std::vector<int32_t> MakeTargets(const PackedSequence& seq) {
  const int T = static_cast<int>(seq.tokens.size());
  std::vector<bool> starts_document(T + 1, false);
  for (int32_t start : seq.doc_starts) starts_document[start] = true;
  std::vector<int32_t> targets(T, -1);
  for (int t = 0; t + 1 < T; ++t) {
    const bool masked = !seq.loss_mask.empty() && seq.loss_mask[t + 1] == 0;
    if (!starts_document[t + 1] && !masked) targets[t] = seq.tokens[t + 1];
  }
  return targets;
}

}  // namespace

int64_t CountTargets(const PackedSequence& seq) {
  const std::vector<int32_t> targets = MakeTargets(seq);
  return std::count_if(targets.begin(), targets.end(),
                       [](int32_t target) { return target >= 0; });
}

struct Llama::Impl {
  explicit Impl(const config::ModelConfig& model_config)
      : config(model_config),
        dims(MakeDims(model_config)),
        layout(MakeLayout(dims)),
        params(layout.total, 0.0f),
        grads(layout.total, 0.0f),
        rope(model_config.rope_theta(), dims.head_dim) {}

  // Forward to the final norm; returns the targets (T).
  std::vector<int32_t> Forward(const PackedSequence& seq,
                               bool document_masking) {
    ValidateSequence(seq, dims.vocab);
    omp_set_num_threads(threads);
    const int T = static_cast<int>(seq.tokens.size());
    rope.Reserve(T);
    RunForward(params.data(), layout, dims, rope, seq.tokens.data(),
               seq.doc_starts.data(),
               static_cast<int>(seq.doc_starts.size()) - 1, document_masking, T,
               recompute, &acts);
    return MakeTargets(seq);
  }

  // Backward from d final_norm (T, D); adds into grads.
  void Backward(const PackedSequence& seq, bool document_masking,
                const std::vector<float>& dfinal_norm) {
    const int T = static_cast<int>(seq.tokens.size());
    const int D = dims.d_model, F = dims.ffn;
    const int num_docs = static_cast<int>(seq.doc_starts.size()) - 1;
    std::vector<int32_t> positions(T);
    for (int t = 0; t < T; ++t) positions[t] = t;
    float* g = grads.data();
    const float* p = params.data();
    buffers.Resize(dims, T, acts.recompute);
    auto& [dresidual, dnormed, dswiglu, dgate, dup, datt, dq, dk, dv, projected,
           next] = buffers;
    // dresidual: walked down from the final norm to the embedding.
    Zero(&dresidual);
    ops::RmsNormBackward(dresidual.data(), g + layout.final_norm,
                         dfinal_norm.data(), acts.output.data(),
                         p + layout.final_norm, acts.final_rstd.data(), T, D);
    for (int l = dims.layers - 1; l >= 0; --l) {
      const LayerOffsets& w = layout.layers[l];
      if (acts.recompute) {
        LayerForward(p, w, dims, rope, positions.data(), seq.doc_starts.data(),
                     num_docs, document_masking, T, acts.inputs[l].data(),
                     &acts.Layer(l), projected.data(), next.data());
      }
      const LayerActivations& a = acts.Layer(l);
      // MLP: x_out = mid + down(swiglu(gate(ln2), up(ln2))).
      Zero(&dswiglu);
      ops::MatmulBackward(dswiglu.data(), g + w.down, dresidual.data(),
                          a.swiglu.data(), p + w.down, T, F, D);
      Zero(&dgate);
      Zero(&dup);
      ops::SwiGluBackward(dgate.data(), dup.data(), dswiglu.data(),
                          a.gate.data(), a.up.data(),
                          static_cast<int64_t>(T) * F);
      Zero(&dnormed);
      ops::MatmulBackward(dnormed.data(), g + w.gate, dgate.data(),
                          a.ln2.data(), p + w.gate, T, D, F);
      ops::MatmulBackward(dnormed.data(), g + w.up, dup.data(), a.ln2.data(),
                          p + w.up, T, D, F);
      ops::RmsNormBackward(dresidual.data(), g + w.post_norm, dnormed.data(),
                           a.mid.data(), p + w.post_norm, a.rstd2.data(), T, D);
      // Attention: mid = input + o(attention(rope(q), rope(k), v)).
      Zero(&datt);
      ops::MatmulBackward(datt.data(), g + w.o, dresidual.data(), a.att.data(),
                          p + w.o, T, dims.q_dim, D);
      Zero(&dq);
      Zero(&dk);
      Zero(&dv);
      ops::AttentionBackward(dq.data(), dk.data(), dv.data(), datt.data(),
                             a.q.data(), a.k.data(), a.v.data(), a.att.data(),
                             a.lse.data(), seq.doc_starts.data(), num_docs,
                             document_masking, T, dims.heads, dims.kv_heads,
                             dims.head_dim);
      ops::RopeBackward(dq.data(), rope.cos(), rope.sin(), positions.data(), T,
                        dims.heads, dims.head_dim);
      ops::RopeBackward(dk.data(), rope.cos(), rope.sin(), positions.data(), T,
                        dims.kv_heads, dims.head_dim);
      Zero(&dnormed);
      ops::MatmulBackward(dnormed.data(), g + w.q, dq.data(), a.ln1.data(),
                          p + w.q, T, D, dims.q_dim);
      ops::MatmulBackward(dnormed.data(), g + w.k, dk.data(), a.ln1.data(),
                          p + w.k, T, D, dims.kv_dim);
      ops::MatmulBackward(dnormed.data(), g + w.v, dv.data(), a.ln1.data(),
                          p + w.v, T, D, dims.kv_dim);
      ops::RmsNormBackward(dresidual.data(), g + w.input_norm, dnormed.data(),
                           acts.inputs[l].data(), p + w.input_norm,
                           a.rstd1.data(), T, D);
    }
    ops::EmbeddingBackward(g + layout.embed, dresidual.data(),
                           seq.tokens.data(), T, D);
  }

  config::ModelConfig config;
  Dims dims;
  ParamLayout layout;
  std::vector<float> params;
  std::vector<float> grads;
  RopeTable rope;
  int threads = 1;
  bool recompute = false;
  Activations acts;
  BackwardBuffers buffers;
};

Llama::Llama(const config::ModelConfig& config)
    : impl_(std::make_unique<Impl>(config)) {}

Llama::~Llama() = default;

const config::ModelConfig& Llama::config() const { return impl_->config; }
int64_t Llama::num_parameters() const { return impl_->layout.total; }
float* Llama::params() { return impl_->params.data(); }
const float* Llama::params() const { return impl_->params.data(); }
float* Llama::grads() { return impl_->grads.data(); }
const std::vector<ParamTensor>& Llama::layout() const {
  return impl_->layout.tensors;
}

void Llama::Initialize(uint64_t seed) {
  const ParamLayout& layout = impl_->layout;
  const double std = impl_->config.init_std();
  const double residual_std = std / std::sqrt(2.0 * impl_->dims.layers);
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  for (size_t i = 0; i < layout.tensors.size(); ++i) {
    const ParamTensor& tensor = layout.tensors[i];
    int64_t size = 1;
    for (int64_t extent : tensor.shape) size *= extent;
    float* values = impl_->params.data() + tensor.offset;
    if (layout.init[i] == InitKind::kOnes) {
      std::fill_n(values, size, 1.0f);
      continue;
    }
    const double scale =
        layout.init[i] == InitKind::kNormalResidual ? residual_std : std;
    // Box-Muller on the tensor's own counter-based stream.
    data::Rng rng(seed, i);
    for (int64_t j = 0; j < size; j += 2) {
      const double radius = std::sqrt(-2.0 * std::log(1.0 - rng.Uniform()));
      const double angle = kTwoPi * rng.Uniform();
      values[j] = static_cast<float>(scale * radius * std::cos(angle));
      if (j + 1 < size) {
        values[j + 1] = static_cast<float>(scale * radius * std::sin(angle));
      }
    }
  }
}

void Llama::SetRopeTheta(double theta) { impl_->rope.SetTheta(theta); }
double Llama::rope_theta() const { return impl_->rope.theta(); }

void Llama::SetThreads(int threads) {
  if (threads < 1) throw std::invalid_argument("threads must be >= 1");
  impl_->threads = threads;
}
int Llama::threads() const { return impl_->threads; }

void Llama::SetActivationRecomputation(bool recompute) {
  impl_->recompute = recompute;
}
bool Llama::activation_recomputation() const { return impl_->recompute; }

LossSum Llama::Forward(const PackedSequence& seq, bool document_masking) {
  const std::vector<int32_t> targets = impl_->Forward(seq, document_masking);
  const Dims& dims = impl_->dims;
  LossSum result;
  result.loss_sum = ops::FusedCrossEntropyForward(
      impl_->acts.final_norm.data(),
      impl_->params.data() + impl_->layout.lm_head, targets.data(),
      static_cast<int>(targets.size()), dims.d_model, dims.vocab);
  result.targets = CountTargets(seq);
  return result;
}

LossSum Llama::ForwardBackward(const PackedSequence& seq, bool document_masking,
                               float weight_per_target) {
  const std::vector<int32_t> targets = impl_->Forward(seq, document_masking);
  const Dims& dims = impl_->dims;
  const int T = static_cast<int>(targets.size());
  std::vector<float> dfinal_norm(static_cast<size_t>(T) * dims.d_model, 0.0f);
  LossSum result;
  result.loss_sum = ops::FusedCrossEntropyForwardBackward(
      dfinal_norm.data(), impl_->grads.data() + impl_->layout.lm_head,
      impl_->acts.final_norm.data(),
      impl_->params.data() + impl_->layout.lm_head, targets.data(), T,
      dims.d_model, dims.vocab, weight_per_target);
  result.targets = CountTargets(seq);
  impl_->Backward(seq, document_masking, dfinal_norm);
  return result;
}

void Llama::ZeroGrads() {
  std::fill(impl_->grads.begin(), impl_->grads.end(), 0.0f);
}

std::vector<float> Llama::Logits(const PackedSequence& seq,
                                 bool document_masking) {
  impl_->Forward(seq, document_masking);
  const Dims& dims = impl_->dims;
  const int T = static_cast<int>(seq.tokens.size());
  std::vector<float> logits(static_cast<size_t>(T) * dims.vocab);
  ops::MatmulForward(logits.data(), impl_->acts.final_norm.data(),
                     impl_->params.data() + impl_->layout.lm_head, T,
                     dims.d_model, dims.vocab);
  return logits;
}

struct Generator::Impl {
  Impl(const Llama& llama, int max_length)
      : model(llama),
        dims(MakeDims(llama.config())),
        layout(MakeLayout(dims)),
        max_len(max_length),
        rope(llama.rope_theta(), dims.head_dim),
        k_cache(dims.layers),
        v_cache(dims.layers) {
    if (max_len < 1) throw std::invalid_argument("max_len must be >= 1");
    rope.Reserve(max_len);
    for (int l = 0; l < dims.layers; ++l) {
      k_cache[l].resize(static_cast<size_t>(max_len) * dims.kv_dim);
      v_cache[l].resize(static_cast<size_t>(max_len) * dims.kv_dim);
    }
  }

  // Runs the prompt (P) as one document, fills the caches' first P rows and
  // returns the logits (V) of its last position.
  std::vector<float> Prefill(const std::vector<int32_t>& prompt) {
    const int P = static_cast<int>(prompt.size());
    const int32_t doc_starts[2] = {0, P};
    Activations acts;
    RunForward(model.params(), layout, dims, rope, prompt.data(), doc_starts, 1,
               /*document_masking=*/false, P, /*recompute=*/false, &acts);
    for (int l = 0; l < dims.layers; ++l) {
      std::copy(acts.layers[l].k.begin(), acts.layers[l].k.end(),
                k_cache[l].begin());
      std::copy(acts.layers[l].v.begin(), acts.layers[l].v.end(),
                v_cache[l].begin());
    }
    return LmHead(acts.final_norm.data() +
                  static_cast<size_t>(P - 1) * dims.d_model);
  }

  // Feeds `token` at `position` (all earlier positions cached) and returns
  // the logits (V) of the next token.
  std::vector<float> Step(int32_t token, int position) {
    const float* p = model.params();
    const int D = dims.d_model, F = dims.ffn;
    std::vector<float> x(p + layout.embed + static_cast<size_t>(token) * D,
                         p + layout.embed + static_cast<size_t>(token + 1) * D);
    std::vector<float> normed(D), projected(D);
    std::vector<float> q(dims.q_dim), att(dims.q_dim);
    std::vector<float> gate(F), up(F), hidden(F);
    std::vector<float> scores(position + 1);
    float rstd;
    const float scale = 1.0f / std::sqrt(static_cast<float>(dims.head_dim));
    const int group = dims.heads / dims.kv_heads;
    for (int l = 0; l < dims.layers; ++l) {
      const LayerOffsets& w = layout.layers[l];
      float* k_row =
          k_cache[l].data() + static_cast<size_t>(position) * dims.kv_dim;
      float* v_row =
          v_cache[l].data() + static_cast<size_t>(position) * dims.kv_dim;
      ops::RmsNormForward(normed.data(), &rstd, x.data(), p + w.input_norm, 1,
                          D, dims.norm_eps);
      ops::MatmulForward(q.data(), normed.data(), p + w.q, 1, D, dims.q_dim);
      ops::MatmulForward(k_row, normed.data(), p + w.k, 1, D, dims.kv_dim);
      ops::MatmulForward(v_row, normed.data(), p + w.v, 1, D, dims.kv_dim);
      ops::RopeForward(q.data(), rope.cos(), rope.sin(), &position, 1,
                       dims.heads, dims.head_dim);
      ops::RopeForward(k_row, rope.cos(), rope.sin(), &position, 1,
                       dims.kv_heads, dims.head_dim);
      // One query row against the cached keys [0, position], per head.
      for (int h = 0; h < dims.heads; ++h) {
        const float* qh = q.data() + h * dims.head_dim;
        const int kv_offset = (h / group) * dims.head_dim;
        float max_score = -INFINITY;
        for (int s = 0; s <= position; ++s) {
          const float* ks = k_cache[l].data() +
                            static_cast<size_t>(s) * dims.kv_dim + kv_offset;
          float dot = 0.0f;
          for (int i = 0; i < dims.head_dim; ++i) dot += qh[i] * ks[i];
          scores[s] = dot * scale;
          max_score = std::max(max_score, scores[s]);
        }
        float sum = 0.0f;
        for (int s = 0; s <= position; ++s) {
          scores[s] = std::exp(scores[s] - max_score);
          sum += scores[s];
        }
        float* out = att.data() + h * dims.head_dim;
        std::fill_n(out, dims.head_dim, 0.0f);
        for (int s = 0; s <= position; ++s) {
          const float* vs = v_cache[l].data() +
                            static_cast<size_t>(s) * dims.kv_dim + kv_offset;
          for (int i = 0; i < dims.head_dim; ++i) out[i] += scores[s] * vs[i];
        }
        for (int i = 0; i < dims.head_dim; ++i) out[i] /= sum;
      }
      ops::MatmulForward(projected.data(), att.data(), p + w.o, 1, dims.q_dim,
                         D);
      for (int i = 0; i < D; ++i) x[i] += projected[i];
      ops::RmsNormForward(normed.data(), &rstd, x.data(), p + w.post_norm, 1, D,
                          dims.norm_eps);
      ops::MatmulForward(gate.data(), normed.data(), p + w.gate, 1, D, F);
      ops::MatmulForward(up.data(), normed.data(), p + w.up, 1, D, F);
      ops::SwiGluForward(hidden.data(), gate.data(), up.data(), F);
      ops::MatmulForward(projected.data(), hidden.data(), p + w.down, 1, F, D);
      for (int i = 0; i < D; ++i) x[i] += projected[i];
    }
    ops::RmsNormForward(normed.data(), &rstd, x.data(), p + layout.final_norm,
                        1, D, dims.norm_eps);
    return LmHead(normed.data());
  }

  // hidden (D) -> logits (V).
  std::vector<float> LmHead(const float* hidden) const {
    std::vector<float> logits(dims.vocab);
    ops::MatmulForward(logits.data(), hidden, model.params() + layout.lm_head,
                       1, dims.d_model, dims.vocab);
    return logits;
  }

  const Llama& model;
  Dims dims;
  ParamLayout layout;
  int max_len;
  RopeTable rope;
  std::vector<std::vector<float>> k_cache;  // L x (max_len, Hkv * head_dim)
  std::vector<std::vector<float>> v_cache;  // L x (max_len, Hkv * head_dim)
};

Generator::Generator(const Llama& model, int max_len)
    : impl_(std::make_unique<Impl>(model, max_len)) {}

Generator::~Generator() = default;

std::vector<int32_t> Generator::Greedy(
    const std::vector<int32_t>& prompt, int max_new_tokens,
    const std::vector<int32_t>& stop_tokens,
    const std::function<bool(const std::vector<int32_t>&)>& stop) {
  const int P = static_cast<int>(prompt.size());
  if (P == 0 || P > impl_->max_len) {
    throw std::invalid_argument("prompt length " + std::to_string(P) +
                                " outside [1, max_len]");
  }
  ValidateSequence({prompt, {0, P}, {}}, impl_->dims.vocab);
  omp_set_num_threads(impl_->model.threads());
  std::vector<int32_t> generated;
  if (max_new_tokens <= 0 || P == impl_->max_len) return generated;
  std::vector<float> logits = impl_->Prefill(prompt);
  while (true) {
    const int32_t next = static_cast<int32_t>(
        std::max_element(logits.begin(), logits.end()) - logits.begin());
    if (std::find(stop_tokens.begin(), stop_tokens.end(), next) !=
        stop_tokens.end()) {
      break;
    }
    generated.push_back(next);
    const int length = P + static_cast<int>(generated.size());
    if (static_cast<int>(generated.size()) == max_new_tokens ||
        length == impl_->max_len || (stop && stop(generated))) {
      break;
    }
    logits = impl_->Step(next, length - 1);
  }
  return generated;
}

}  // namespace prolong::model
