#include "model/hf_format.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/io/atomic_file.h"
#include "data/json/parser.h"
#include "data/json/value.h"
#include "data/json/writer.h"
#include "model/half_precision.h"
#include "model/llama.h"
#include "model/safetensors.h"

namespace prolong::model {
namespace {

namespace json = data::json;
using ::testing::HasSubstr;

std::string TestDir(const std::string& name) {
  return std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
}

config::ModelConfig TinyConfig(bool tied) {
  config::ModelConfig config;
  config.set_vocab_size(37);
  config.set_d_model(16);
  config.set_n_layers(2);
  config.set_n_heads(4);
  config.set_n_kv_heads(2);
  config.set_ffn_hidden(40);
  config.set_tie_embeddings(tied);
  config.set_norm_eps(1e-5f);
  config.set_init_std(0.3f);
  return config;
}

std::unique_ptr<Llama> RandomModel(bool tied) {
  auto model = std::make_unique<Llama>(TinyConfig(tied));
  model->Initialize(5);
  // Norm weights start at 1; make them distinct too.
  for (const ParamTensor& tensor : model->layout()) {
    if (tensor.shape.size() != 1) continue;
    for (int64_t i = 0; i < tensor.shape[0]; ++i) {
      model->params()[tensor.offset + i] = 1.0f + 0.01f * i;
    }
  }
  model->SetRopeTheta(1.28e8);
  return model;
}

std::vector<float> Params(const Llama& model) {
  return std::vector<float>(model.params(),
                            model.params() + model.num_parameters());
}

TEST(HfFormatTest, Float32RoundTripIsExact) {
  for (bool tied : {false, true}) {
    const std::unique_ptr<Llama> model = RandomModel(tied);
    const std::string dir = TestDir(tied ? "f32_tied" : "f32_untied");
    ExportHuggingFace(*model, dir, HfDtype::kFloat32);
    const std::unique_ptr<Llama> imported = ImportHuggingFace(dir);
    config::ModelConfig expected = model->config();
    expected.set_rope_theta(1.28e8);  // the config carries the model's theta
    EXPECT_EQ(imported->config().DebugString(), expected.DebugString());
    EXPECT_EQ(imported->rope_theta(), 1.28e8);
    ASSERT_EQ(imported->num_parameters(), model->num_parameters());
    EXPECT_EQ(std::memcmp(imported->params(), model->params(),
                          model->num_parameters() * sizeof(float)),
              0)
        << "tied=" << tied;
  }
}

TEST(HfFormatTest, Bfloat16RoundTripEqualsRoundedWeights) {
  const std::unique_ptr<Llama> model = RandomModel(false);
  const std::string dir = TestDir("bf16");
  ExportHuggingFace(*model, dir, HfDtype::kBFloat16);
  const std::vector<float> imported = Params(*ImportHuggingFace(dir));
  const std::vector<float> original = Params(*model);
  int changed = 0;
  for (size_t i = 0; i < original.size(); ++i) {
    ASSERT_EQ(imported[i], Bfloat16ToFloat(FloatToBfloat16(original[i]))) << i;
    changed += imported[i] != original[i];
  }
  EXPECT_GT(changed, static_cast<int>(original.size()) / 2);
}

TEST(HfFormatTest, SafetensorsFileFollowsTheDocumentedLayout) {
  for (HfDtype dtype : {HfDtype::kFloat32, HfDtype::kBFloat16}) {
    const bool f32 = dtype == HfDtype::kFloat32;
    const std::unique_ptr<Llama> model = RandomModel(false);
    const std::string dir = TestDir(f32 ? "layout_f32" : "layout_bf16");
    ExportHuggingFace(*model, dir, dtype);
    const std::string file = io::ReadFile(dir + "/model.safetensors");
    // bytes [0, 8): header length N, little-endian.
    ASSERT_GE(file.size(), 8u);
    uint64_t header_length = 0;
    for (int i = 7; i >= 0; --i) {
      header_length = header_length << 8 | static_cast<uint8_t>(file[i]);
    }
    ASSERT_LE(8 + header_length, file.size());
    EXPECT_EQ(header_length % 8, 0u);
    const json::Value header = json::Parse(file.substr(8, header_length));
    const std::string data = file.substr(8 + header_length);
    EXPECT_EQ(*header.Find("__metadata__"),
              json::Value(json::Value::Object{{"format", "pt"}}));
    // Every tensor, in name order, right after the one before.
    std::vector<ParamTensor> tensors = model->layout();
    std::sort(tensors.begin(), tensors.end(),
              [](const ParamTensor& a, const ParamTensor& b) {
                return a.name < b.name;
              });
    EXPECT_EQ(header.AsObject().size(), tensors.size() + 1);
    int64_t next_offset = 0;
    for (const ParamTensor& tensor : tensors) {
      const json::Value* entry = header.Find(tensor.name);
      ASSERT_NE(entry, nullptr) << tensor.name;
      EXPECT_EQ(entry->Find("dtype")->AsString(), f32 ? "F32" : "BF16");
      EXPECT_EQ(*entry->Find("shape"),
                json::Value(json::Value::Array(tensor.shape.begin(),
                                               tensor.shape.end())));
      const json::Value::Array& offsets =
          entry->Find("data_offsets")->AsArray();
      ASSERT_EQ(offsets.size(), 2u);
      EXPECT_EQ(offsets[0].AsInt(), next_offset) << tensor.name;
      int64_t numel = 1;
      for (int64_t extent : tensor.shape) numel *= extent;
      next_offset += numel * (f32 ? 4 : 2);
      EXPECT_EQ(offsets[1].AsInt(), next_offset) << tensor.name;
      // The raw little-endian values.
      const float* values = model->params() + tensor.offset;
      std::string expected;
      for (int64_t i = 0; i < numel; ++i) {
        if (f32) {
          expected.append(reinterpret_cast<const char*>(values + i), 4);
        } else {
          const uint16_t bits = FloatToBfloat16(values[i]);
          expected.append(reinterpret_cast<const char*>(&bits), 2);
        }
      }
      EXPECT_EQ(data.substr(offsets[0].AsInt(), expected.size()), expected)
          << tensor.name;
    }
    EXPECT_EQ(next_offset, static_cast<int64_t>(data.size()));
  }
}

TEST(HfFormatTest, ConfigJsonDescribesALlamaForCausalLM) {
  const std::unique_ptr<Llama> model = RandomModel(true);
  const std::string dir = TestDir("config");
  HfExportOptions options;
  options.max_position_embeddings = 65536;
  options.eos_token_id = 3;
  ExportHuggingFace(*model, dir, HfDtype::kBFloat16, options);
  const json::Value config = json::Parse(io::ReadFile(dir + "/config.json"));
  EXPECT_EQ(*config.Find("architectures"),
            json::Value(json::Value::Array{"LlamaForCausalLM"}));
  const std::vector<std::pair<std::string, json::Value>> expected = {
      {"model_type", "llama"},
      {"hidden_act", "silu"},
      {"hidden_size", 16},
      {"intermediate_size", 40},
      {"num_attention_heads", 4},
      {"num_key_value_heads", 2},
      {"num_hidden_layers", 2},
      {"vocab_size", 37},
      {"rms_norm_eps", 1e-5},  // the float's shortest decimal
      {"rope_theta", 1.28e8},
      {"tie_word_embeddings", true},
      {"max_position_embeddings", 65536},
      {"torch_dtype", "bfloat16"},
      {"eos_token_id", 3},
  };
  for (const auto& [field, value] : expected) {
    const json::Value* found = config.Find(field);
    ASSERT_NE(found, nullptr) << field;
    EXPECT_EQ(*found, value) << field;
  }
  EXPECT_EQ(config.Find("bos_token_id"), nullptr);
  EXPECT_EQ(config.Find("rope_parameters")->Find("rope_theta")->AsDouble(),
            1.28e8);
}

// Exports a model, then lets `edit` change the config (as JSON) and tensors.
std::string ExportEdited(
    const std::string& name,
    const std::function<void(json::Value::Object*,
                             std::vector<TensorToWrite>*)>& edit,
    const Llama& model) {
  const std::string dir = TestDir(name);
  ExportHuggingFace(model, dir, HfDtype::kFloat32);
  json::Value config = json::Parse(io::ReadFile(dir + "/config.json"));
  std::vector<TensorToWrite> tensors;
  for (const ParamTensor& tensor : model.layout()) {
    tensors.push_back(
        {tensor.name, tensor.shape, model.params() + tensor.offset});
  }
  edit(&config.AsObject(), &tensors);
  io::WriteFileAtomically(dir + "/config.json", json::Write(config, 2));
  io::WriteFileAtomically(
      dir + "/model.safetensors",
      SerializeSafetensors(tensors, SafetensorsDtype::kF32));
  return dir;
}

void SetField(json::Value::Object* config, const std::string& field,
              json::Value value) {
  for (auto& [name, old] : *config) {
    if (name == field) {
      old = std::move(value);
      return;
    }
  }
  config->emplace_back(field, std::move(value));
}

void ExpectImportError(const std::string& dir,
                       const std::vector<std::string>& parts) {
  try {
    ImportHuggingFace(dir);
    ADD_FAILURE() << dir << ": no error";
  } catch (const std::runtime_error& e) {
    for (const std::string& part : parts) {
      EXPECT_THAT(e.what(), HasSubstr(part));
    }
  }
}

TEST(HfFormatTest, MissingMisshapenAndUnexpectedTensorsAreNamed) {
  const std::unique_ptr<Llama> model = RandomModel(false);
  const std::vector<float> zeros(100 * 16, 0.0f);
  ExpectImportError(
      ExportEdited(
          "missing",
          [](json::Value::Object*, std::vector<TensorToWrite>* t) {
            t->erase(t->begin() + 3);
          },
          *model),
      {"missing/model.safetensors: missing tensor", model->layout()[3].name});
  ExpectImportError(
      ExportEdited(
          "misshapen",
          [&](json::Value::Object*, std::vector<TensorToWrite>* t) {
            (*t)[0].shape = {100, 16};
            (*t)[0].values = zeros.data();
          },
          *model),
      {"misshapen/model.safetensors: tensor model.embed_tokens.weight has "
       "shape [100, 16]",
       "needs [37, 16]"});
  ExpectImportError(
      ExportEdited(
          "unexpected",
          [&](json::Value::Object*, std::vector<TensorToWrite>* t) {
            t->push_back(
                {"model.layers.0.self_attn.q_proj.bias", {16}, zeros.data()});
          },
          *model),
      {"unexpected/model.safetensors: unexpected tensor "
       "model.layers.0.self_attn.q_proj.bias"});
  // A config that disagrees with the tensors names the first tensor hit.
  ExpectImportError(
      ExportEdited(
          "wrong_ffn",
          [](json::Value::Object* c, std::vector<TensorToWrite>*) {
            SetField(c, "intermediate_size", 48);
          },
          *model),
      {"tensor model.layers.0.mlp.gate_proj.weight has shape [40, 16]",
       "needs [48, 16]"});
}

TEST(HfFormatTest, TiedHeadIsIgnoredAndF16IsRead) {
  const std::unique_ptr<Llama> model = RandomModel(true);
  const std::vector<float> head(37 * 16, 9.0f);
  const std::string dir = ExportEdited(
      "tied_head",
      [&](json::Value::Object*, std::vector<TensorToWrite>* t) {
        t->push_back({"lm_head.weight", {37, 16}, head.data()});
      },
      *model);
  EXPECT_EQ(Params(*ImportHuggingFace(dir)), Params(*model));

  // Hand-written F16 file: every weight 1.0 (0x3c00), norms too.
  std::string header = "{";
  std::string data;
  for (const ParamTensor& tensor : model->layout()) {
    int64_t numel = 1;
    for (int64_t extent : tensor.shape) numel *= extent;
    const int64_t begin = data.size();
    for (int64_t i = 0; i < numel; ++i) data += std::string("\x00\x3c", 2);
    header += std::string(header.size() > 1 ? "," : "") + "\"" + tensor.name +
              "\":{\"dtype\":\"F16\",\"shape\":" +
              json::Write(json::Value::Array(tensor.shape.begin(),
                                             tensor.shape.end())) +
              ",\"data_offsets\":[" + std::to_string(begin) + "," +
              std::to_string(data.size()) + "]}";
  }
  header += "}";
  const uint64_t length = header.size();
  std::string file(reinterpret_cast<const char*>(&length), 8);
  io::WriteFileAtomically(dir + "/model.safetensors", file + header + data);
  const std::vector<float> ones = Params(*ImportHuggingFace(dir));
  EXPECT_EQ(ones, std::vector<float>(ones.size(), 1.0f));
}

TEST(HfFormatTest, BadConfigFieldsAreNamed) {
  const std::unique_ptr<Llama> model = RandomModel(false);
  auto with = [&](const std::string& name, const std::string& field,
                  json::Value value) {
    return ExportEdited(
        name,
        [&](json::Value::Object* c, std::vector<TensorToWrite>*) {
          SetField(c, field, value);
        },
        *model);
  };
  ExpectImportError(with("no_hidden", "hidden_size", nullptr),
                    {"no_hidden/config.json: hidden_size is missing"});
  ExpectImportError(with("str_layers", "num_hidden_layers", "2"),
                    {"config.json: num_hidden_layers has the wrong type"});
  ExpectImportError(with("gelu", "hidden_act", "gelu"),
                    {"config.json: hidden_act is \"gelu\""});
  ExpectImportError(
      with("scaled", "rope_scaling",
           json::Value::Object{{"rope_type", "yarn"}, {"factor", 4.0}}),
      {"config.json: rope_scaling asks for RoPE scaling"});
  ExpectImportError(with("bad_heads", "num_key_value_heads", 3),
                    {"bad_heads/config.json", "n_kv_heads must divide"});
  const std::string dir = TestDir("not_json");
  std::filesystem::create_directories(dir);
  io::WriteFileAtomically(dir + "/config.json", "{\"hidden_size\": ");
  ExpectImportError(dir, {"not_json/config.json: not valid JSON"});
  ExpectImportError(TestDir("nowhere"), {"nowhere/config.json"});
}

TEST(HfFormatTest, TransformersDefaultsFillOptionalFields) {
  // A minimal config as older tools write it: no kv heads (= heads), no
  // rope_parameters (rope_theta alone), no tie flag (= untied).
  config::ModelConfig config = TinyConfig(false);
  config.set_n_kv_heads(4);
  Llama model(config);
  model.Initialize(1);
  const std::string dir = ExportEdited(
      "minimal",
      [](json::Value::Object* c, std::vector<TensorToWrite>*) {
        json::Value::Object kept;
        for (auto& member : *c) {
          for (const char* field :
               {"hidden_size", "intermediate_size", "num_attention_heads",
                "num_hidden_layers", "vocab_size", "rope_theta"}) {
            if (member.first == field) kept.push_back(member);
          }
        }
        *c = kept;
      },
      model);
  const std::unique_ptr<Llama> imported = ImportHuggingFace(dir);
  EXPECT_EQ(imported->config().n_kv_heads(), 4);
  EXPECT_FALSE(imported->config().tie_embeddings());
  EXPECT_EQ(imported->config().norm_eps(), 1e-6f);
  EXPECT_EQ(imported->rope_theta(), 10000.0);
  EXPECT_EQ(Params(*imported), Params(model));
}

}  // namespace
}  // namespace prolong::model
