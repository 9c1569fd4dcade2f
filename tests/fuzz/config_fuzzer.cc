// Parses arbitrary text as every message type of config.proto, validates
// the types that have checks, and prints what was parsed back as text.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "experiments/config/config.pb.h"
#include "experiments/config/config_io.h"

namespace {

namespace config = ::prolong::config;

template <typename Config>
void ParseAndValidate(const std::string& text) {
  Config message;
  try {
    config::ParseConfigText(text, "fuzz.textproto", &message);
  } catch (const config::ConfigError&) {
    return;
  }
  config::Validate(message);
  config::ToText(message);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16 * 1024) return -1;
  const std::string text(reinterpret_cast<const char*>(data), size);
  ParseAndValidate<config::ModelConfig>(text);
  ParseAndValidate<config::TokenizerConfig>(text);
  ParseAndValidate<config::MixtureConfig>(text);
  ParseAndValidate<config::TrainStageConfig>(text);
  ParseAndValidate<config::EvalConfig>(text);
  // Every message type of the file, found by reflection so that new ones
  // are fuzzed too.
  const google::protobuf::FileDescriptor* file =
      config::ModelConfig::descriptor()->file();
  for (int i = 0; i < file->message_type_count(); ++i) {
    const google::protobuf::Message* prototype =
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(
            file->message_type(i));
    std::unique_ptr<google::protobuf::Message> message(prototype->New());
    try {
      config::ParseConfigText(text, "fuzz.textproto", message.get());
    } catch (const config::ConfigError&) {
      continue;
    }
    config::ToText(*message);
  }
  return 0;
}
