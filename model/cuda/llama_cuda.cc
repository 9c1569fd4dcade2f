#ifdef PROLONG_HAVE_CUDA

#include "model/cuda/llama_cuda.h"

#include <cublas_v2.h>

#include <algorithm>
#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "model/cuda/device_buffer.h"
#include "model/cuda/residual_add.h"
#include "ops/cuda/attention.h"
#include "ops/cuda/cross_entropy.h"
#include "ops/cuda/cuda_check.h"
#include "ops/cuda/embedding.h"
#include "ops/cuda/matmul.h"
#include "ops/cuda/rmsnorm.h"
#include "ops/cuda/rope.h"
#include "ops/cuda/swiglu.h"
#include "ops/rope.h"

namespace prolong::model::cuda {
namespace {

using ops::cuda::bf16;

// Sizes derived from the config (the host Llama has validated it).
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
};

Dims MakeDims(const config::ModelConfig& config) {
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
  return dims;
}

// Offsets of one layer's tensors in the flat parameter buffer.
struct LayerOffsets {
  int64_t q, k, v, o;      // (q_dim, D), (kv_dim, D) x 2, (D, q_dim)
  int64_t gate, up, down;  // (F, D), (F, D), (D, F)
  int64_t input_norm;      // (D)
  int64_t post_norm;       // (D)
};

struct Offsets {
  int64_t embed;  // (V, D)
  std::vector<LayerOffsets> layers;
  int64_t final_norm;  // (D)
  int64_t lm_head;     // (V, D); == embed when tied
};

// The offsets of the host layout's tensors, found by their Hugging Face
// names, so the device reads exactly the buffer the host model writes.
Offsets FindOffsets(const std::vector<ParamTensor>& layout, const Dims& dims,
                    bool tied) {
  std::map<std::string, int64_t> by_name;
  for (const ParamTensor& tensor : layout) by_name[tensor.name] = tensor.offset;
  auto at = [&by_name](const std::string& name) {
    const auto found = by_name.find(name);
    if (found == by_name.end()) {
      throw std::logic_error("the host layout has no tensor " + name);
    }
    return found->second;
  };
  Offsets offsets;
  offsets.embed = at("model.embed_tokens.weight");
  for (int l = 0; l < dims.layers; ++l) {
    const std::string prefix = "model.layers." + std::to_string(l) + ".";
    LayerOffsets layer;
    layer.q = at(prefix + "self_attn.q_proj.weight");
    layer.k = at(prefix + "self_attn.k_proj.weight");
    layer.v = at(prefix + "self_attn.v_proj.weight");
    layer.o = at(prefix + "self_attn.o_proj.weight");
    layer.gate = at(prefix + "mlp.gate_proj.weight");
    layer.up = at(prefix + "mlp.up_proj.weight");
    layer.down = at(prefix + "mlp.down_proj.weight");
    layer.input_norm = at(prefix + "input_layernorm.weight");
    layer.post_norm = at(prefix + "post_attention_layernorm.weight");
    offsets.layers.push_back(layer);
  }
  offsets.final_norm = at("model.norm.weight");
  offsets.lm_head = tied ? offsets.embed : at("lm_head.weight");
  return offsets;
}

// The checks of model/llama.cc's ValidateSequence, with its messages.
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

// targets (T) as model/llama.cc's MakeTargets: the next token, or -1 where
// position t has none (last position, next token starts a document, or is
// masked out of the loss).
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

template <typename Value>
void Zero(const DeviceBuffer<Value>& buffer, std::size_t n,
          cudaStream_t stream) {
  CUDA_CHECK(cudaMemsetAsync(buffer.get(), 0, n * sizeof(Value), stream));
}

}  // namespace

// Everything both storage types share: the parameters, the RoPE tables and
// the current sequence on the device.
struct CudaLlama::State {
  State(const Llama& host, config::ComputeDtype compute_dtype)
      : config(host.config()),
        dims(MakeDims(config)),
        layout(host.layout()),
        offsets(FindOffsets(layout, dims, config.tie_embeddings())),
        dtype(compute_dtype),
        params(host.num_parameters()),
        grads(host.num_parameters()),
        rope_theta(host.rope_theta()),
        loss_sum(1) {
    if (dtype == config::BF16) params_bf16.Reserve(host.num_parameters());
    CUDA_CHECK(cudaStreamCreate(&stream));
    CUBLAS_CHECK(cublasCreate(&cublas));
    CUBLAS_CHECK(cublasSetStream(cublas, stream));
  }
  ~State() {
    cublasDestroy(cublas);
    cudaStreamDestroy(stream);
  }

  int64_t size() const { return static_cast<int64_t>(params.size()); }

  // Makes the RoPE tables cover positions [0, T).
  void ReservePositions(int T) {
    if (T <= rope_positions) return;
    rope_positions = T;
    BuildRope();
  }
  void BuildRope() {
    if (rope_positions == 0) return;
    const std::size_t n =
        static_cast<std::size_t>(rope_positions) * dims.head_dim / 2;
    std::vector<float> cos(n), sin(n);
    ops::RopeTables(cos.data(), sin.data(), rope_positions, dims.head_dim,
                    rope_theta);
    rope_cos.Reserve(n);
    rope_sin.Reserve(n);
    rope_cos.CopyFromHost(cos.data(), n, stream);
    rope_sin.CopyFromHost(sin.data(), n, stream);
  }

  // What the passes need to know of the uploaded sequences.
  struct Packed {
    int T;                   // tokens of all sequences together
    int num_segments;        // attention segments in doc_starts
    bool attention_masking;  // whether attention keeps to the segments
    std::vector<int> ends;   // where each sequence ends, in tokens
  };

  // Validates `sequences` and copies them over back to back: their tokens,
  // targets, positions (each sequence from 0) and, when weights_per_target
  // is not null, each token's loss weight (its sequence's). Attention
  // segments are the documents with document_masking; without it, the
  // sequences, so that none sees another.
  Packed UploadSequences(const std::vector<const PackedSequence*>& sequences,
                         bool document_masking,
                         const std::vector<float>* weights_per_target) {
    std::vector<int32_t> host_tokens, host_targets, host_positions;
    std::vector<int32_t> segments = {0};
    std::vector<float> host_scales;
    Packed packed{0, 0, document_masking || sequences.size() > 1, {}};
    int longest = 0;
    for (std::size_t i = 0; i < sequences.size(); ++i) {
      const PackedSequence& seq = *sequences[i];
      ValidateSequence(seq, dims.vocab);
      const int offset = static_cast<int>(host_tokens.size());
      const int length = static_cast<int>(seq.tokens.size());
      host_tokens.insert(host_tokens.end(), seq.tokens.begin(),
                         seq.tokens.end());
      const std::vector<int32_t> seq_targets = MakeTargets(seq);
      host_targets.insert(host_targets.end(), seq_targets.begin(),
                          seq_targets.end());
      for (int t = 0; t < length; ++t) host_positions.push_back(t);
      if (document_masking) {
        for (std::size_t d = 1; d < seq.doc_starts.size(); ++d) {
          segments.push_back(offset + seq.doc_starts[d]);
        }
      } else {
        segments.push_back(offset + length);
      }
      if (weights_per_target != nullptr) {
        host_scales.insert(host_scales.end(), length, (*weights_per_target)[i]);
      }
      longest = std::max(longest, length);
      packed.ends.push_back(offset + length);
    }
    packed.T = static_cast<int>(host_tokens.size());
    packed.num_segments = static_cast<int>(segments.size()) - 1;
    ReservePositions(longest);
    const std::size_t T = packed.T;
    tokens.Reserve(T);
    targets.Reserve(T);
    positions.Reserve(T);
    doc_starts.Reserve(segments.size());
    tokens.CopyFromHost(host_tokens.data(), T, stream);
    targets.CopyFromHost(host_targets.data(), T, stream);
    positions.CopyFromHost(host_positions.data(), T, stream);
    doc_starts.CopyFromHost(segments.data(), segments.size(), stream);
    if (weights_per_target != nullptr) {
      token_scales.Reserve(T);
      token_scales.CopyFromHost(host_scales.data(), T, stream);
    }
    return packed;
  }

  config::ModelConfig config;
  Dims dims;
  std::vector<ParamTensor> layout;
  Offsets offsets;
  config::ComputeDtype dtype;
  cudaStream_t stream = nullptr;
  cublasHandle_t cublas = nullptr;
  DeviceBuffer<float> params;      // (num_parameters) fp32 master weights
  DeviceBuffer<float> grads;       // (num_parameters)
  DeviceBuffer<bf16> params_bf16;  // (num_parameters) in BF16 mode, else empty
  double rope_theta;
  int rope_positions = 0;
  DeviceBuffer<float> rope_cos;      // (rope_positions, head_dim / 2)
  DeviceBuffer<float> rope_sin;      // (rope_positions, head_dim / 2)
  DeviceBuffer<int32_t> tokens;      // (T)
  DeviceBuffer<int32_t> targets;     // (T)
  DeviceBuffer<int32_t> positions;   // (T): each token's place in its sequence
  DeviceBuffer<float> token_scales;  // (T): each token's loss weight
  DeviceBuffer<int32_t> doc_starts;  // (num_segments + 1)
  DeviceBuffer<double> loss_sum;     // (1)
  bool recompute = false;
};

// The forward and backward passes for one storage type.
class CudaLlama::Engine {
 public:
  virtual ~Engine() = default;
  // Forward of the uploaded sequences (T tokens) into state.loss_sum and the
  // per-token losses; with `backward`, also the backward of the sum of the
  // losses weighted by state.token_scales, adding into state.grads.
  virtual void Run(int T, int num_segments, bool attention_masking,
                   bool backward) = 0;
  // (T) <- the last Run's per-token losses (0 where a token has no target).
  virtual void CopyTokenLosses(double* host, int T) = 0;
};

template <typename Float>
class CudaLlama::TypedEngine : public CudaLlama::Engine {
 public:
  explicit TypedEngine(State* state) : s_(*state) {}

  void Run(int T, int num_segments, bool attention_masking,
           bool backward) override {
    const Dims& dims = s_.dims;
    const int D = dims.d_model;
    const std::size_t rows = T;
    Reserve(T);
    RunForward(T, num_segments, attention_masking);
    const Float* head = Weights() + s_.offsets.lm_head;
    const ops::cuda::CrossEntropyScratch<Float> scratch{
        ce_logits_.get(), ce_dlogits_.get(), ce_row_losses_.get()};
    if (!backward) {
      ops::cuda::FusedCrossEntropyForward<Float>(
          s_.loss_sum.get(), scratch, acts_.final_norm.get(), head,
          s_.targets.get(), T, D, dims.vocab, s_.cublas, s_.stream);
      return;
    }
    Zero(dfinal_norm_, rows * D, s_.stream);
    ops::cuda::FusedCrossEntropyForwardBackward<Float>(
        s_.loss_sum.get(), dfinal_norm_.get(),
        s_.grads.get() + s_.offsets.lm_head, scratch, acts_.final_norm.get(),
        head, s_.targets.get(), T, D, dims.vocab, 1.0f, s_.token_scales.get(),
        s_.cublas, s_.stream);
    Backward(T, num_segments, attention_masking);
  }

  void CopyTokenLosses(double* host, int T) override {
    ce_row_losses_.CopyToHost(host, T, s_.stream);
  }

 private:
  // What the backward needs from one layer's forward, T rows each (besides
  // the layer's input, which Activations keeps).
  struct LayerActivations {
    DeviceBuffer<Float> ln1;     // (T, D)
    DeviceBuffer<float> rstd1;   // (T)
    DeviceBuffer<Float> q;       // (T, Hq, head_dim), after RoPE
    DeviceBuffer<Float> k;       // (T, Hkv, head_dim), after RoPE
    DeviceBuffer<Float> v;       // (T, Hkv, head_dim)
    DeviceBuffer<Float> att;     // (T, Hq, head_dim)
    DeviceBuffer<float> lse;     // (Hq, T)
    DeviceBuffer<Float> mid;     // (T, D) residual stream after attention
    DeviceBuffer<Float> ln2;     // (T, D)
    DeviceBuffer<float> rstd2;   // (T)
    DeviceBuffer<Float> gate;    // (T, F)
    DeviceBuffer<Float> up;      // (T, F)
    DeviceBuffer<Float> swiglu;  // (T, F)

    void Reserve(const Dims& dims, std::size_t t) {
      ln1.Reserve(t * dims.d_model);
      rstd1.Reserve(t);
      q.Reserve(t * dims.q_dim);
      k.Reserve(t * dims.kv_dim);
      v.Reserve(t * dims.kv_dim);
      att.Reserve(t * dims.q_dim);
      lse.Reserve(t * dims.heads);
      mid.Reserve(t * dims.d_model);
      ln2.Reserve(t * dims.d_model);
      rstd2.Reserve(t);
      gate.Reserve(t * dims.ffn);
      up.Reserve(t * dims.ffn);
      swiglu.Reserve(t * dims.ffn);
    }
  };

  // As model/llama.cc's Activations: every layer's activations, or with
  // recomputation only the layers' inputs and one LayerActivations.
  struct Activations {
    std::vector<DeviceBuffer<Float>> inputs;  // n_layers x (T, D)
    std::vector<LayerActivations> layers;     // n_layers, or 1 with recompute
    DeviceBuffer<Float> output;               // (T, D) after all layers
    DeviceBuffer<Float> final_norm;           // (T, D)
    DeviceBuffer<float> final_rstd;           // (T)
  };

  // The weights the passes read: the master weights in FP32 mode, their
  // bf16 copy in BF16 mode.
  const Float* Weights() const {
    if constexpr (std::is_same_v<Float, float>) {
      return s_.params.get();
    } else {
      return s_.params_bf16.get();
    }
  }

  LayerActivations& Layer(int l) { return acts_.layers[s_.recompute ? 0 : l]; }

  // Grows every buffer to T rows.
  void Reserve(int T) {
    const Dims& dims = s_.dims;
    const std::size_t t = T;
    const std::size_t D = dims.d_model, F = dims.ffn;
    acts_.inputs.resize(dims.layers);
    for (auto& input : acts_.inputs) input.Reserve(t * D);
    acts_.layers.resize(s_.recompute ? 1 : dims.layers);
    for (LayerActivations& a : acts_.layers) a.Reserve(dims, t);
    acts_.output.Reserve(t * D);
    acts_.final_norm.Reserve(t * D);
    acts_.final_rstd.Reserve(t);
    projected_.Reserve(t * D);
    next_.Reserve(t * D);
    dfinal_norm_.Reserve(t * D);
    dresidual_.Reserve(t * D);
    dnormed_.Reserve(t * D);
    dswiglu_.Reserve(t * F);
    dgate_.Reserve(t * F);
    dup_.Reserve(t * F);
    datt_.Reserve(t * dims.q_dim);
    dq_.Reserve(t * dims.q_dim);
    dk_.Reserve(t * dims.kv_dim);
    dv_.Reserve(t * dims.kv_dim);
    rmsnorm_scratch_.Reserve(ops::cuda::RmsNormBackwardScratchFloats(T, D));
    attention_scratch_.Reserve(ops::cuda::AttentionBackwardScratchFloats(
        T, dims.heads, dims.kv_heads, dims.head_dim));
    embedding_scratch_.Reserve(ops::cuda::EmbeddingBackwardScratchBytes(T));
    const std::size_t chunk = ops::cuda::CrossEntropyChunkRows(T);
    ce_logits_.Reserve(chunk * dims.vocab);
    ce_dlogits_.Reserve(chunk * dims.vocab);
    ce_row_losses_.Reserve(t);
  }

  // One layer's forward: input (T, D) -> a, and next (T, D), the residual
  // stream leaving the layer. projected_ (T, D) is scratch.
  void LayerForward(const LayerOffsets& w, int num_docs, bool document_masking,
                    int T, const Float* input, LayerActivations* a,
                    Float* next) {
    const Dims& dims = s_.dims;
    const int D = dims.d_model, F = dims.ffn;
    const Float* p = Weights();
    cublasHandle_t cublas = s_.cublas;
    cudaStream_t stream = s_.stream;
    Float* projected = projected_.get();
    ops::cuda::RmsNormForward<Float>(a->ln1.get(), a->rstd1.get(), input,
                                     p + w.input_norm, T, D, dims.norm_eps,
                                     stream);
    ops::cuda::MatmulForward<Float, Float>(a->q.get(), a->ln1.get(), p + w.q, T,
                                           D, dims.q_dim, cublas, stream);
    ops::cuda::MatmulForward<Float, Float>(a->k.get(), a->ln1.get(), p + w.k, T,
                                           D, dims.kv_dim, cublas, stream);
    ops::cuda::MatmulForward<Float, Float>(a->v.get(), a->ln1.get(), p + w.v, T,
                                           D, dims.kv_dim, cublas, stream);
    ops::cuda::RopeForward<Float>(
        a->q.get(), s_.rope_cos.get(), s_.rope_sin.get(), s_.positions.get(), T,
        dims.heads, dims.head_dim, s_.rope_positions, stream);
    ops::cuda::RopeForward<Float>(
        a->k.get(), s_.rope_cos.get(), s_.rope_sin.get(), s_.positions.get(), T,
        dims.kv_heads, dims.head_dim, s_.rope_positions, stream);
    ops::cuda::AttentionForward<Float>(
        a->att.get(), a->lse.get(), a->q.get(), a->k.get(), a->v.get(),
        s_.doc_starts.get(), num_docs, document_masking, T, dims.heads,
        dims.kv_heads, dims.head_dim, stream);
    ops::cuda::MatmulForward<Float, Float>(projected, a->att.get(), p + w.o, T,
                                           dims.q_dim, D, cublas, stream);
    ResidualAdd<Float>(a->mid.get(), input, projected,
                       static_cast<int64_t>(T) * D, stream);
    ops::cuda::RmsNormForward<Float>(a->ln2.get(), a->rstd2.get(), a->mid.get(),
                                     p + w.post_norm, T, D, dims.norm_eps,
                                     stream);
    ops::cuda::MatmulForward<Float, Float>(a->gate.get(), a->ln2.get(),
                                           p + w.gate, T, D, F, cublas, stream);
    ops::cuda::MatmulForward<Float, Float>(a->up.get(), a->ln2.get(), p + w.up,
                                           T, D, F, cublas, stream);
    ops::cuda::SwiGluForward<Float>(a->swiglu.get(), a->gate.get(), a->up.get(),
                                    static_cast<int64_t>(T) * F, stream);
    ops::cuda::MatmulForward<Float, Float>(projected, a->swiglu.get(),
                                           p + w.down, T, F, D, cublas, stream);
    ResidualAdd<Float>(next, a->mid.get(), projected,
                       static_cast<int64_t>(T) * D, stream);
  }

  // tokens (T) -> acts_, up to the final norm.
  void RunForward(int T, int num_docs, bool document_masking) {
    const Dims& dims = s_.dims;
    const int D = dims.d_model;
    const Float* p = Weights();
    ops::cuda::EmbeddingForward<Float>(acts_.inputs[0].get(), s_.tokens.get(),
                                       p + s_.offsets.embed, T, D, dims.vocab,
                                       s_.stream);
    for (int l = 0; l < dims.layers; ++l) {
      Float* next =
          l + 1 < dims.layers ? acts_.inputs[l + 1].get() : acts_.output.get();
      LayerForward(s_.offsets.layers[l], num_docs, document_masking, T,
                   acts_.inputs[l].get(), &Layer(l), next);
    }
    ops::cuda::RmsNormForward<Float>(
        acts_.final_norm.get(), acts_.final_rstd.get(), acts_.output.get(),
        p + s_.offsets.final_norm, T, D, dims.norm_eps, s_.stream);
  }

  // Backward from dfinal_norm_ (T, D); adds into s_.grads.
  void Backward(int T, int num_docs, bool document_masking) {
    const Dims& dims = s_.dims;
    const int D = dims.d_model, F = dims.ffn;
    const std::size_t rows = T;
    const Float* p = Weights();
    float* g = s_.grads.get();
    cublasHandle_t cublas = s_.cublas;
    cudaStream_t stream = s_.stream;
    Zero(dresidual_, rows * D, stream);
    ops::cuda::RmsNormBackward<Float>(
        dresidual_.get(), g + s_.offsets.final_norm, rmsnorm_scratch_.get(),
        dfinal_norm_.get(), acts_.output.get(), p + s_.offsets.final_norm,
        acts_.final_rstd.get(), T, D, stream);
    for (int l = dims.layers - 1; l >= 0; --l) {
      const LayerOffsets& w = s_.offsets.layers[l];
      if (s_.recompute) {
        LayerForward(w, num_docs, document_masking, T, acts_.inputs[l].get(),
                     &Layer(l), next_.get());
      }
      const LayerActivations& a = Layer(l);
      // MLP: x_out = mid + down(swiglu(gate(ln2), up(ln2))).
      Zero(dswiglu_, rows * F, stream);
      ops::cuda::MatmulBackward<Float>(dswiglu_.get(), g + w.down,
                                       dresidual_.get(), a.swiglu.get(),
                                       p + w.down, T, F, D, cublas, stream);
      Zero(dgate_, rows * F, stream);
      Zero(dup_, rows * F, stream);
      ops::cuda::SwiGluBackward<Float>(dgate_.get(), dup_.get(), dswiglu_.get(),
                                       a.gate.get(), a.up.get(),
                                       static_cast<int64_t>(T) * F, stream);
      Zero(dnormed_, rows * D, stream);
      ops::cuda::MatmulBackward<Float>(dnormed_.get(), g + w.gate, dgate_.get(),
                                       a.ln2.get(), p + w.gate, T, D, F, cublas,
                                       stream);
      ops::cuda::MatmulBackward<Float>(dnormed_.get(), g + w.up, dup_.get(),
                                       a.ln2.get(), p + w.up, T, D, F, cublas,
                                       stream);
      ops::cuda::RmsNormBackward<Float>(dresidual_.get(), g + w.post_norm,
                                        rmsnorm_scratch_.get(), dnormed_.get(),
                                        a.mid.get(), p + w.post_norm,
                                        a.rstd2.get(), T, D, stream);
      // Attention: mid = input + o(attention(rope(q), rope(k), v)).
      Zero(datt_, rows * dims.q_dim, stream);
      ops::cuda::MatmulBackward<Float>(datt_.get(), g + w.o, dresidual_.get(),
                                       a.att.get(), p + w.o, T, dims.q_dim, D,
                                       cublas, stream);
      Zero(dq_, rows * dims.q_dim, stream);
      Zero(dk_, rows * dims.kv_dim, stream);
      Zero(dv_, rows * dims.kv_dim, stream);
      ops::cuda::AttentionBackward<Float>(
          dq_.get(), dk_.get(), dv_.get(), attention_scratch_.get(),
          datt_.get(), a.q.get(), a.k.get(), a.v.get(), a.att.get(),
          a.lse.get(), s_.doc_starts.get(), num_docs, document_masking, T,
          dims.heads, dims.kv_heads, dims.head_dim, stream);
      ops::cuda::RopeBackward<Float>(
          dq_.get(), s_.rope_cos.get(), s_.rope_sin.get(), s_.positions.get(),
          T, dims.heads, dims.head_dim, s_.rope_positions, stream);
      ops::cuda::RopeBackward<Float>(
          dk_.get(), s_.rope_cos.get(), s_.rope_sin.get(), s_.positions.get(),
          T, dims.kv_heads, dims.head_dim, s_.rope_positions, stream);
      Zero(dnormed_, rows * D, stream);
      ops::cuda::MatmulBackward<Float>(dnormed_.get(), g + w.q, dq_.get(),
                                       a.ln1.get(), p + w.q, T, D, dims.q_dim,
                                       cublas, stream);
      ops::cuda::MatmulBackward<Float>(dnormed_.get(), g + w.k, dk_.get(),
                                       a.ln1.get(), p + w.k, T, D, dims.kv_dim,
                                       cublas, stream);
      ops::cuda::MatmulBackward<Float>(dnormed_.get(), g + w.v, dv_.get(),
                                       a.ln1.get(), p + w.v, T, D, dims.kv_dim,
                                       cublas, stream);
      ops::cuda::RmsNormBackward<Float>(dresidual_.get(), g + w.input_norm,
                                        rmsnorm_scratch_.get(), dnormed_.get(),
                                        acts_.inputs[l].get(), p + w.input_norm,
                                        a.rstd1.get(), T, D, stream);
    }
    ops::cuda::EmbeddingBackward<Float>(
        g + s_.offsets.embed, embedding_scratch_.get(), dresidual_.get(),
        s_.tokens.get(), T, D, dims.vocab, stream);
  }

  State& s_;
  Activations acts_;
  DeviceBuffer<Float> projected_;    // (T, D) forward scratch
  DeviceBuffer<Float> next_;         // (T, D) recomputation scratch
  DeviceBuffer<Float> dfinal_norm_;  // (T, D)
  DeviceBuffer<Float> dresidual_;    // (T, D) walked down the layers
  DeviceBuffer<Float> dnormed_;      // (T, D)
  DeviceBuffer<Float> dswiglu_;      // (T, F)
  DeviceBuffer<Float> dgate_;        // (T, F)
  DeviceBuffer<Float> dup_;          // (T, F)
  DeviceBuffer<Float> datt_;         // (T, Hq * head_dim)
  DeviceBuffer<Float> dq_;           // (T, Hq * head_dim)
  DeviceBuffer<Float> dk_;           // (T, Hkv * head_dim)
  DeviceBuffer<Float> dv_;           // (T, Hkv * head_dim)
  DeviceBuffer<float> rmsnorm_scratch_;
  DeviceBuffer<float> attention_scratch_;
  DeviceBuffer<unsigned char> embedding_scratch_;
  DeviceBuffer<float> ce_logits_;       // (chunk rows, V)
  DeviceBuffer<Float> ce_dlogits_;      // (chunk rows, V)
  DeviceBuffer<double> ce_row_losses_;  // (T)
};

CudaLlama::CudaLlama(const Llama& host, config::ComputeDtype dtype)
    : state_(std::make_unique<State>(host, dtype)) {
  if (dtype == config::BF16) {
    engine_ = std::make_unique<TypedEngine<bf16>>(state_.get());
  } else {
    engine_ = std::make_unique<TypedEngine<float>>(state_.get());
  }
  UploadParams(host.params());
  ZeroGrads();
}

CudaLlama::~CudaLlama() = default;

int64_t CudaLlama::num_parameters() const { return state_->size(); }
const std::vector<ParamTensor>& CudaLlama::layout() const {
  return state_->layout;
}
config::ComputeDtype CudaLlama::compute_dtype() const { return state_->dtype; }

void CudaLlama::SetRopeTheta(double theta) {
  state_->rope_theta = theta;
  state_->BuildRope();
}

void CudaLlama::SetActivationRecomputation(bool recompute) {
  state_->recompute = recompute;
}

void CudaLlama::UploadParams(const float* params) {
  const int64_t n = state_->size();
  state_->params.CopyFromHost(params, n, state_->stream);
  if (state_->dtype == config::BF16) {
    std::vector<bf16> rounded(n);
    for (int64_t i = 0; i < n; ++i) rounded[i] = __float2bfloat16_rn(params[i]);
    state_->params_bf16.CopyFromHost(rounded.data(), n, state_->stream);
  }
}

void CudaLlama::DownloadParams(float* params) const {
  state_->params.CopyToHost(params, state_->size(), state_->stream);
}

void CudaLlama::DownloadGrads(float* grads) const {
  state_->grads.CopyToHost(grads, state_->size(), state_->stream);
}

LossSum CudaLlama::Forward(const PackedSequence& seq, bool document_masking) {
  const State::Packed packed =
      state_->UploadSequences({&seq}, document_masking, nullptr);
  engine_->Run(packed.T, packed.num_segments, packed.attention_masking,
               /*backward=*/false);
  LossSum result;
  state_->loss_sum.CopyToHost(&result.loss_sum, 1, state_->stream);
  result.targets = CountTargets(seq);
  return result;
}

LossSum CudaLlama::ForwardBackward(const PackedSequence& seq,
                                   bool document_masking,
                                   float weight_per_target) {
  return ForwardBackwardBatch({&seq}, document_masking, {weight_per_target})
      .front();
}

std::vector<LossSum> CudaLlama::ForwardBackwardBatch(
    const std::vector<const PackedSequence*>& sequences, bool document_masking,
    const std::vector<float>& weights_per_target) {
  if (sequences.empty() || weights_per_target.size() != sequences.size()) {
    throw std::invalid_argument(
        "ForwardBackwardBatch needs one weight per sequence and at least one "
        "sequence; got " +
        std::to_string(sequences.size()) + " sequences and " +
        std::to_string(weights_per_target.size()) + " weights");
  }
  const State::Packed packed =
      state_->UploadSequences(sequences, document_masking, &weights_per_target);
  engine_->Run(packed.T, packed.num_segments, packed.attention_masking,
               /*backward=*/true);
  std::vector<double> token_losses(packed.T);
  engine_->CopyTokenLosses(token_losses.data(), packed.T);
  std::vector<LossSum> results(sequences.size());
  int begin = 0;
  for (std::size_t i = 0; i < sequences.size(); ++i) {
    for (int t = begin; t < packed.ends[i]; ++t) {
      results[i].loss_sum += token_losses[t];
    }
    results[i].targets = CountTargets(*sequences[i]);
    begin = packed.ends[i];
  }
  return results;
}

void CudaLlama::ZeroGrads() {
  Zero(state_->grads, state_->size(), state_->stream);
}

float* CudaLlama::params() { return state_->params.get(); }
float* CudaLlama::grads() { return state_->grads.get(); }
bf16* CudaLlama::params_bf16() {
  return state_->dtype == config::BF16 ? state_->params_bf16.get() : nullptr;
}
cudaStream_t CudaLlama::stream() const { return state_->stream; }

}  // namespace prolong::model::cuda

#endif  // PROLONG_HAVE_CUDA
