#include "model/checkpoint.h"

#include <gmock/gmock.h>
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/io/atomic_file.h"
#include "data/io/hdf5_file.h"
#include "data/rng.h"
#include "model/llama.h"

namespace prolong::model {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

std::string TestPath(const std::string& name) {
  return std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
}

config::ModelConfig TinyConfig() {
  config::ModelConfig config;
  config.set_vocab_size(37);
  config.set_d_model(16);
  config.set_n_layers(2);
  config.set_n_heads(4);
  config.set_n_kv_heads(2);
  config.set_ffn_hidden(40);
  config.set_tie_embeddings(false);
  return config;
}

// The final norm's weights: a run of values found nowhere else in the file.
constexpr float kMarker = 1234.5f;

struct Saved {
  std::unique_ptr<Llama> model;
  OptimizerState optimizer;
  TrainerPosition position;
  std::string stage_config = "name: \"stage1\"\nseq_len: 64\n";
};

Saved SaveCheckpoint(const std::string& path) {
  Saved saved;
  saved.model = std::make_unique<Llama>(TinyConfig());
  saved.model->Initialize(3);
  saved.model->SetRopeTheta(8e6);
  for (const ParamTensor& tensor : saved.model->layout()) {
    if (tensor.name != "model.norm.weight") continue;
    std::fill_n(saved.model->params() + tensor.offset, tensor.shape[0],
                kMarker);
  }
  const int64_t n = saved.model->num_parameters();
  data::Rng rng(9, 0);
  for (int64_t i = 0; i < n; ++i) {
    saved.optimizer.m.push_back(static_cast<float>(rng.Uniform() - 0.5));
    saved.optimizer.v.push_back(static_cast<float>(rng.Uniform() * 1e-6));
  }
  saved.optimizer.adam_step = 1234567890123;
  saved.position = {17, 4242};
  WriteCheckpoint(path, *saved.model, saved.optimizer, saved.position,
                  saved.stage_config);
  return saved;
}

TEST(CheckpointTest, RoundTripIsExact) {
  const std::string path = TestPath("round.h5");
  const Saved saved = SaveCheckpoint(path);
  const Checkpoint read = ReadCheckpoint(path);
  EXPECT_EQ(read.model->config().DebugString(),
            saved.model->config().DebugString());
  EXPECT_EQ(read.model->rope_theta(), 8e6);
  ASSERT_EQ(read.model->num_parameters(), saved.model->num_parameters());
  EXPECT_EQ(std::memcmp(read.model->params(), saved.model->params(),
                        saved.model->num_parameters() * sizeof(float)),
            0);
  EXPECT_EQ(read.optimizer.m, saved.optimizer.m);
  EXPECT_EQ(read.optimizer.v, saved.optimizer.v);
  EXPECT_EQ(read.optimizer.adam_step, saved.optimizer.adam_step);
  EXPECT_EQ(read.position.stage_step, 17);
  EXPECT_EQ(read.position.data_position, 4242);
  EXPECT_EQ(read.stage_config, saved.stage_config);
}

TEST(CheckpointTest, CorruptTensorIsNamed) {
  const std::string path = TestPath("corrupt.h5");
  SaveCheckpoint(path);
  std::string bytes = io::ReadFile(path);
  std::string marker;
  for (int i = 0; i < 4; ++i) {
    marker.append(reinterpret_cast<const char*>(&kMarker), sizeof(float));
  }
  const size_t at = bytes.find(marker);
  ASSERT_NE(at, std::string::npos);
  ASSERT_EQ(bytes.find(marker, at + 16 * sizeof(float)), std::string::npos);
  bytes[at + 1] ^= 1;
  io::WriteFileAtomically(path, bytes);
  EXPECT_THAT(
      [&] { ReadCheckpoint(path); },
      ThrowsMessage<std::runtime_error>(AllOf(
          HasSubstr(path), HasSubstr("params/model.norm.weight is corrupt"))));
}

TEST(CheckpointTest, TruncatedFileIsNamed) {
  const std::string path = TestPath("truncated.h5");
  SaveCheckpoint(path);
  const std::string bytes = io::ReadFile(path);
  for (size_t keep : {bytes.size() / 2, size_t{100}}) {
    io::WriteFileAtomically(path, bytes.substr(0, keep));
    EXPECT_THAT([&] { ReadCheckpoint(path); },
                ThrowsMessage<std::runtime_error>(HasSubstr(path)))
        << keep << " bytes";
  }
}

// Copies the checkpoint at `from` to `to` with another model_config.
void RewriteModelConfig(const std::string& from, const std::string& to,
                        const config::ModelConfig& written_for,
                        const config::ModelConfig& model_config) {
  io::H5Reader reader(from);
  io::H5Writer writer(to);
  std::string text;
  google::protobuf::TextFormat::PrintToString(model_config, &text);
  writer.WriteText("model_config", text);
  writer.WriteText("stage_config", reader.ReadText("stage_config"));
  writer.Write("rope_theta", reader.Read<double>("rope_theta"));
  const Llama writer_model(written_for);
  for (const ParamTensor& tensor : writer_model.layout()) {
    io::Shape shape;
    const std::vector<float> values =
        reader.Read<float>("params/" + tensor.name, &shape);
    writer.Write("params/" + tensor.name, values, shape);
  }
  for (const char* name : {"optimizer/m", "optimizer/v"}) {
    writer.Write(name, reader.Read<float>(name));
  }
  for (const char* name :
       {"optimizer/adam_step", "trainer/stage_step", "trainer/data_position"}) {
    writer.Write(name, reader.Read<int64_t>(name));
  }
  writer.Commit();
}

TEST(CheckpointTest, ModelConfigThatDisagreesWithTensorsNamesTheTensor) {
  const std::string path = TestPath("good.h5");
  SaveCheckpoint(path);
  // The copy is faithful: unchanged, it reads back.
  const std::string same = TestPath("same.h5");
  RewriteModelConfig(path, same, TinyConfig(), TinyConfig());
  EXPECT_NO_THROW(ReadCheckpoint(same));

  config::ModelConfig wider = TinyConfig();
  wider.set_ffn_hidden(48);
  const std::string wrong_shape = TestPath("wrong_shape.h5");
  RewriteModelConfig(path, wrong_shape, TinyConfig(), wider);
  EXPECT_THAT([&] { ReadCheckpoint(wrong_shape); },
              ThrowsMessage<std::runtime_error>(AllOf(
                  HasSubstr(wrong_shape),
                  HasSubstr("tensor model.layers.0.mlp.gate_proj.weight has "
                            "the wrong shape"))));

  // Written tied (no lm_head), read as untied.
  config::ModelConfig tied = TinyConfig();
  tied.set_tie_embeddings(true);
  Llama tied_model(tied);
  const std::string tied_path = TestPath("tied.h5");
  WriteCheckpoint(tied_path, tied_model,
                  {std::vector<float>(tied_model.num_parameters()),
                   std::vector<float>(tied_model.num_parameters()), 0},
                  {}, "");
  const std::string untied = TestPath("untied.h5");
  RewriteModelConfig(tied_path, untied, tied, TinyConfig());
  EXPECT_THAT([&] { ReadCheckpoint(untied); },
              ThrowsMessage<std::runtime_error>(
                  AllOf(HasSubstr(untied),
                        HasSubstr("missing dataset params/lm_head.weight"))));
}

TEST(CheckpointTest, UnreadableModelConfigAndMomentsAreNamed) {
  const std::string path = TestPath("bad_config.h5");
  {
    io::H5Writer writer(path);
    writer.WriteText("model_config", "d_model: \"wide\"");
    writer.Commit();
  }
  EXPECT_THAT([&] { ReadCheckpoint(path); },
              ThrowsMessage<std::runtime_error>(
                  HasSubstr(path + ": unreadable model_config")));

  Llama model(TinyConfig());
  const std::string short_moments = TestPath("short_moments.h5");
  WriteCheckpoint(short_moments, model, {{1.0f}, {1.0f}, 0}, {}, "");
  EXPECT_THAT([&] { ReadCheckpoint(short_moments); },
              ThrowsMessage<std::runtime_error>(HasSubstr(
                  short_moments + ": optimizer moments do not match")));
}

}  // namespace
}  // namespace prolong::model
