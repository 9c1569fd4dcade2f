// Hugging Face checkpoints: a directory holding `config.json` (a
// LlamaConfig for LlamaForCausalLM) and `model.safetensors`
// (model/safetensors.h), the layout that transformers' `from_pretrained` and
// `save_pretrained` use.
//
// Our tensors already have Hugging Face's names, shapes and (out, in) weight
// layout, and our RoPE uses HF's rotate-half pairing (dimension i with
// i + head_dim / 2), which is what HF's q_proj / k_proj expect: weights move
// across unchanged, with no permutation of the query and key rows (Meta's
// original interleaved-pair checkpoints are the ones that need one).
//
// With tied embeddings the file holds no lm_head.weight (as save_pretrained
// writes it); on import, an lm_head.weight beside tie_word_embeddings = true
// is ignored, as transformers does.
#ifndef PROLONG_MODEL_HF_FORMAT_H_
#define PROLONG_MODEL_HF_FORMAT_H_

#include <cstdint>
#include <memory>
#include <string>

#include "model/llama.h"

namespace prolong::model {

enum class HfDtype { kFloat32, kBFloat16 };

struct HfExportOptions {
  // The longest context the model is meant for. transformers uses it only
  // for generation limits and RoPE scaling (none here); the default is
  // ProLong-512K's 512K.
  int64_t max_position_embeddings = 524288;
  // Written to config.json when >= 0.
  int64_t bos_token_id = -1;
  int64_t eos_token_id = -1;
};

// Writes <dir>/model.safetensors and then <dir>/config.json (each
// atomically), creating `dir` if needed. kBFloat16 rounds every weight to
// nearest even. Throws std::runtime_error naming the file on I/O errors.
void ExportHuggingFace(const Llama& model, const std::string& dir,
                       HfDtype dtype, const HfExportOptions& options = {});

// Reads a model written by ExportHuggingFace or by transformers'
// save_pretrained (single-file safetensors). F32, BF16 and F16 tensors are
// converted to fp32; the model and its ModelConfig take rope_theta from
// config.json, and the model runs one thread. Throws std::runtime_error
// naming the file and the field or tensor at fault (missing, misshapen,
// unsupported or unexpected), or the safetensors corruption
// (model/safetensors.h).
std::unique_ptr<Llama> ImportHuggingFace(const std::string& dir);

}  // namespace prolong::model

#endif  // PROLONG_MODEL_HF_FORMAT_H_
