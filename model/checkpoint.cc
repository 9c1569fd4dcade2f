#include "model/checkpoint.h"

#include <google/protobuf/text_format.h>

#include <stdexcept>

#include "data/io/hdf5_file.h"

namespace prolong::model {

void WriteCheckpoint(const std::string& path, const Llama& model,
                     const OptimizerState& optimizer,
                     const TrainerPosition& position,
                     const std::string& stage_config) {
  std::string model_config;
  google::protobuf::TextFormat::PrintToString(model.config(), &model_config);
  io::H5Writer writer(path);
  writer.WriteText("model_config", model_config);
  writer.WriteText("stage_config", stage_config);
  writer.Write<double>("rope_theta", {model.rope_theta()});
  for (const ParamTensor& tensor : model.layout()) {
    writer.Write("params/" + tensor.name, model.params() + tensor.offset,
                 io::Shape(tensor.shape.begin(), tensor.shape.end()));
  }
  writer.Write("optimizer/m", optimizer.m);
  writer.Write("optimizer/v", optimizer.v);
  writer.Write<int64_t>("optimizer/adam_step", {optimizer.adam_step});
  writer.Write<int64_t>("trainer/stage_step", {position.stage_step});
  writer.Write<int64_t>("trainer/data_position", {position.data_position});
  writer.Commit();
}

Checkpoint ReadCheckpoint(const std::string& path) {
  io::H5Reader reader(path);
  config::ModelConfig model_config;
  if (!google::protobuf::TextFormat::ParseFromString(
          reader.ReadText("model_config"), &model_config)) {
    throw std::runtime_error(path + ": unreadable model_config");
  }
  Checkpoint checkpoint;
  checkpoint.model = std::make_unique<Llama>(model_config);
  Llama& model = *checkpoint.model;
  model.SetRopeTheta(reader.Read<double>("rope_theta").at(0));
  for (const ParamTensor& tensor : model.layout()) {
    io::Shape shape;
    const auto values = reader.Read<float>("params/" + tensor.name, &shape);
    if (shape != io::Shape(tensor.shape.begin(), tensor.shape.end())) {
      throw std::runtime_error(path + ": tensor " + tensor.name +
                               " has the wrong shape for model_config");
    }
    std::copy(values.begin(), values.end(), model.params() + tensor.offset);
  }
  checkpoint.optimizer.m = reader.Read<float>("optimizer/m");
  checkpoint.optimizer.v = reader.Read<float>("optimizer/v");
  const auto n = static_cast<size_t>(model.num_parameters());
  if (checkpoint.optimizer.m.size() != n ||
      checkpoint.optimizer.v.size() != n) {
    throw std::runtime_error(path +
                             ": optimizer moments do not match the model");
  }
  checkpoint.optimizer.adam_step =
      reader.Read<int64_t>("optimizer/adam_step").at(0);
  checkpoint.position.stage_step =
      reader.Read<int64_t>("trainer/stage_step").at(0);
  checkpoint.position.data_position =
      reader.Read<int64_t>("trainer/data_position").at(0);
  checkpoint.stage_config = reader.ReadText("stage_config");
  return checkpoint;
}

}  // namespace prolong::model
