// The C++ side of tests/model/hf_interop_check.py (see its docstring):
//
//   hf_interop_tool export DIR float32|bfloat16 SEED TIED
//       Exports a small random Llama (TIED: 0 or 1) to DIR.
//   hf_interop_tool logits DIR OUT TOKEN...
//       Imports DIR and writes the logits (T, V) of TOKEN... as one document
//       to OUT, a safetensors file with one F32 tensor "logits".
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "data/io/atomic_file.h"
#include "model/hf_format.h"
#include "model/llama.h"
#include "model/safetensors.h"

namespace prolong::model {
namespace {

int Export(const std::string& dir, const std::string& dtype, uint64_t seed,
           bool tied) {
  config::ModelConfig config;
  config.set_vocab_size(97);
  config.set_d_model(64);
  config.set_n_layers(3);
  config.set_n_heads(4);
  config.set_n_kv_heads(2);
  config.set_ffn_hidden(160);
  config.set_tie_embeddings(tied);
  config.set_init_std(0.1f);  // large enough that every layer matters
  Llama model(config);
  model.Initialize(seed);
  model.SetRopeTheta(5e5);  // ProLong's base-stage theta
  ExportHuggingFace(
      model, dir, dtype == "bfloat16" ? HfDtype::kBFloat16 : HfDtype::kFloat32);
  return 0;
}

int Logits(const std::string& dir, const std::string& out,
           const std::vector<int32_t>& tokens) {
  std::unique_ptr<Llama> model = ImportHuggingFace(dir);
  const int T = static_cast<int>(tokens.size());
  PackedSequence seq{tokens, {0, T}, {}};
  const std::vector<float> logits =
      model->Logits(seq, /*document_masking=*/true);
  const int64_t V = model->config().vocab_size();
  io::WriteFileAtomically(
      out, SerializeSafetensors({{"logits", {T, V}, logits.data()}},
                                SafetensorsDtype::kF32));
  return 0;
}

int Main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 5 && args[0] == "export") {
    return Export(args[1], args[2], std::stoull(args[3]), args[4] == "1");
  }
  if (args.size() >= 4 && args[0] == "logits") {
    std::vector<int32_t> tokens;
    for (size_t i = 3; i < args.size(); ++i) {
      tokens.push_back(std::stoi(args[i]));
    }
    return Logits(args[1], args[2], tokens);
  }
  std::cerr << "usage: hf_interop_tool export DIR float32|bfloat16 SEED TIED\n"
               "       hf_interop_tool logits DIR OUT TOKEN...\n";
  return 2;
}

}  // namespace
}  // namespace prolong::model

int main(int argc, char** argv) {
  try {
    return prolong::model::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "hf_interop_tool: " << e.what() << "\n";
    return 1;
  }
}
