#include "model/hf_format.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "data/io/atomic_file.h"
#include "data/json/parser.h"
#include "data/json/value.h"
#include "data/json/writer.h"
#include "model/safetensors.h"

namespace prolong::model {
namespace {

namespace json = data::json;

constexpr char kConfigFile[] = "config.json";
constexpr char kWeightsFile[] = "model.safetensors";

// The double whose shortest decimal text is the float's shortest one, so
// 1e-5f is written as 1e-05 rather than 9.999999747378752e-06.
double ShortestDecimal(float value) {
  char text[32];
  for (int digits = 1; digits <= 9; ++digits) {
    std::snprintf(text, sizeof(text), "%.*g", digits, value);
    if (std::strtof(text, nullptr) == value) break;
  }
  return std::strtod(text, nullptr);
}

json::Value MakeConfig(const Llama& model, HfDtype dtype,
                       const HfExportOptions& options) {
  const config::ModelConfig& config = model.config();
  json::Value::Object object = {
      {"architectures", json::Value::Array{"LlamaForCausalLM"}},
      {"model_type", "llama"},
      {"hidden_act", "silu"},
      {"hidden_size", config.d_model()},
      {"intermediate_size", config.ffn_hidden()},
      {"num_attention_heads", config.n_heads()},
      {"num_key_value_heads", config.n_kv_heads()},
      {"head_dim", config.d_model() / config.n_heads()},
      {"num_hidden_layers", config.n_layers()},
      {"vocab_size", config.vocab_size()},
      {"rms_norm_eps", ShortestDecimal(config.norm_eps())},
      // transformers < 5 reads rope_theta, transformers >= 5
      // rope_parameters.
      {"rope_theta", model.rope_theta()},
      {"rope_parameters",
       json::Value::Object{{"rope_theta", model.rope_theta()},
                           {"rope_type", "default"}}},
      {"rope_scaling", nullptr},
      {"tie_word_embeddings", config.tie_embeddings()},
      {"max_position_embeddings", options.max_position_embeddings},
      {"attention_bias", false},
      {"mlp_bias", false},
      {"initializer_range", ShortestDecimal(config.init_std())},
      {"torch_dtype", dtype == HfDtype::kFloat32 ? "float32" : "bfloat16"},
  };
  if (options.bos_token_id >= 0) {
    object.emplace_back("bos_token_id", options.bos_token_id);
  }
  if (options.eos_token_id >= 0) {
    object.emplace_back("eos_token_id", options.eos_token_id);
  }
  return json::Value(std::move(object));
}

// Reads config.json's fields, each error naming the file and the field.
class ConfigReader {
 public:
  ConfigReader(const json::Value& root, std::string path)
      : root_(root), path_(std::move(path)) {
    if (root.type() != json::Value::Type::kObject) {
      throw std::runtime_error(path_ + ": not a JSON object");
    }
  }

  // The field, or nullptr when it is absent or null.
  const json::Value* Find(const std::string& field) const {
    const json::Value* value = root_.Find(field);
    return value == nullptr || value->is_null() ? nullptr : value;
  }
  int64_t Int(const std::string& field, int64_t fallback) const {
    const json::Value* value = Find(field);
    if (value == nullptr) return fallback;
    try {
      return value->AsInt();
    } catch (const json::TypeError& e) {
      Fail(field, std::string("has the wrong type: ") + e.what());
    }
  }
  // A required model dimension: an integer in [1, 2^31).
  int32_t Size(const std::string& field) const {
    if (Find(field) == nullptr) Fail(field, "is missing");
    const int64_t value = Int(field, 0);
    if (value < 1 || value > std::numeric_limits<int32_t>::max()) {
      Fail(field, "must be a positive 32-bit integer");
    }
    return static_cast<int32_t>(value);
  }
  // `value` is the field itself or a member of it.
  double Double(const json::Value& value, const std::string& field) const {
    try {
      return value.AsDouble();
    } catch (const json::TypeError& e) {
      Fail(field, std::string("has the wrong type: ") + e.what());
    }
  }
  double Double(const std::string& field, double fallback) const {
    const json::Value* value = Find(field);
    return value == nullptr ? fallback : Double(*value, field);
  }
  bool Bool(const std::string& field, bool fallback) const {
    const json::Value* value = Find(field);
    if (value == nullptr) return fallback;
    try {
      return value->AsBool();
    } catch (const json::TypeError& e) {
      Fail(field, std::string("has the wrong type: ") + e.what());
    }
  }
  // A string field that, when present, must equal `expected`.
  void Expect(const std::string& field, const std::string& expected) const {
    const json::Value* value = Find(field);
    if (value == nullptr) return;
    if (!(value->type() == json::Value::Type::kString &&
          value->AsString() == expected)) {
      Fail(field, "is " + json::Write(*value) + ", but only \"" + expected +
                      "\" is supported");
    }
  }
  [[noreturn]] void Fail(const std::string& field,
                         const std::string& what) const {
    throw std::runtime_error(path_ + ": " + field + " " + what);
  }

 private:
  const json::Value& root_;
  std::string path_;
};

// The RoPE base: rope_parameters.rope_theta (transformers >= 5), else
// rope_theta. Only unscaled ("default") RoPE is supported.
double ReadRopeTheta(const ConfigReader& reader) {
  double theta = reader.Double("rope_theta", 10000.0);
  for (const char* field : {"rope_scaling", "rope_parameters"}) {
    const json::Value* rope = reader.Find(field);
    if (rope == nullptr) continue;
    if (rope->type() != json::Value::Type::kObject) {
      reader.Fail(field, "must be an object");
    }
    const json::Value* type = rope->Find("rope_type");
    if (type == nullptr) type = rope->Find("type");
    if (type != nullptr && !(type->type() == json::Value::Type::kString &&
                             type->AsString() == "default")) {
      reader.Fail(field, "asks for RoPE scaling, which is unsupported");
    }
    const json::Value* field_theta = rope->Find("rope_theta");
    if (field_theta != nullptr) {
      theta = reader.Double(*field_theta, std::string(field) + ".rope_theta");
    }
  }
  return theta;
}

config::ModelConfig ReadConfig(const ConfigReader& reader, double* rope_theta) {
  reader.Expect("model_type", "llama");
  reader.Expect("hidden_act", "silu");
  if (reader.Bool("attention_bias", false)) {
    reader.Fail("attention_bias", "is true (unsupported)");
  }
  if (reader.Bool("mlp_bias", false)) {
    reader.Fail("mlp_bias", "is true (unsupported)");
  }
  if (reader.Int("pretraining_tp", 1) != 1) {
    reader.Fail("pretraining_tp", "must be 1");
  }
  config::ModelConfig config;
  config.set_d_model(reader.Size("hidden_size"));
  config.set_ffn_hidden(reader.Size("intermediate_size"));
  config.set_n_heads(reader.Size("num_attention_heads"));
  // transformers' LlamaConfig defaults from here on.
  config.set_n_kv_heads(reader.Find("num_key_value_heads")
                            ? reader.Size("num_key_value_heads")
                            : config.n_heads());
  config.set_n_layers(reader.Size("num_hidden_layers"));
  config.set_vocab_size(reader.Size("vocab_size"));
  config.set_norm_eps(reader.Double("rms_norm_eps", 1e-6));
  config.set_tie_embeddings(reader.Bool("tie_word_embeddings", false));
  config.set_init_std(reader.Double("initializer_range", 0.02));
  *rope_theta = ReadRopeTheta(reader);
  config.set_rope_theta(*rope_theta);
  if (reader.Int("head_dim", config.d_model() / config.n_heads()) *
          config.n_heads() !=
      config.d_model()) {
    reader.Fail("head_dim", "must be hidden_size / num_attention_heads");
  }
  return config;
}

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    text += (i ? ", " : "") + std::to_string(shape[i]);
  }
  return text + "]";
}

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

void ExportHuggingFace(const Llama& model, const std::string& dir,
                       HfDtype dtype, const HfExportOptions& options) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    throw std::runtime_error("cannot create directory " + dir + ": " +
                             error.message());
  }
  std::vector<TensorToWrite> tensors;
  for (const ParamTensor& tensor : model.layout()) {
    tensors.push_back(
        {tensor.name, tensor.shape, model.params() + tensor.offset});
  }
  io::WriteFileAtomically(
      dir + "/" + kWeightsFile,
      SerializeSafetensors(std::move(tensors), dtype == HfDtype::kFloat32
                                                   ? SafetensorsDtype::kF32
                                                   : SafetensorsDtype::kBF16));
  io::WriteFileAtomically(
      dir + "/" + kConfigFile,
      json::Write(MakeConfig(model, dtype, options), 2) + "\n");
}

std::unique_ptr<Llama> ImportHuggingFace(const std::string& dir) {
  const std::string config_path = dir + "/" + kConfigFile;
  json::Value root;
  try {
    root = json::Parse(io::ReadFile(config_path));
  } catch (const json::ParseError& e) {
    throw std::runtime_error(config_path + ": not valid JSON: " + e.what());
  }
  double rope_theta;
  const config::ModelConfig config =
      ReadConfig(ConfigReader(root, config_path), &rope_theta);
  std::unique_ptr<Llama> model;
  try {
    model = std::make_unique<Llama>(config);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(config_path + ": " + e.what());
  }
  model->SetRopeTheta(rope_theta);

  const std::string weights_path = dir + "/" + kWeightsFile;
  std::map<std::string, LoadedTensor> tensors = ReadSafetensors(weights_path);
  for (const ParamTensor& tensor : model->layout()) {
    const auto found = tensors.find(tensor.name);
    if (found == tensors.end()) {
      throw std::runtime_error(weights_path + ": missing tensor " +
                               tensor.name);
    }
    if (found->second.shape != tensor.shape) {
      throw std::runtime_error(weights_path + ": tensor " + tensor.name +
                               " has shape " + ShapeText(found->second.shape) +
                               ", but " + config_path + " needs " +
                               ShapeText(tensor.shape));
    }
    std::copy(found->second.values.begin(), found->second.values.end(),
              model->params() + tensor.offset);
    tensors.erase(found);
  }
  for (const auto& [name, tensor] : tensors) {
    const bool tied_head = name == "lm_head.weight" && config.tie_embeddings();
    // Older transformers saved RoPE's inverse frequencies as a buffer.
    const bool rope_buffer = EndsWith(name, ".rotary_emb.inv_freq");
    if (!tied_head && !rope_buffer) {
      throw std::runtime_error(weights_path + ": unexpected tensor " + name +
                               " (not part of a Llama with this config)");
    }
  }
  return model;
}

}  // namespace prolong::model
