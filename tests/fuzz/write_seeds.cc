// Writes the seed corpora under tests/fuzz/seeds/ with the project's own
// writers: bazel run //tests/fuzz:write_seeds -- "$PWD/tests/fuzz/seeds"
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/reflection.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "data/io/atomic_file.h"
#include "data/json/value.h"
#include "data/json/writer.h"
#include "data/shards/token_shard.h"
#include "data/tokenizer/bpe_tokenizer.h"
#include "experiments/config/config.pb.h"
#include "experiments/config/config_io.h"
#include "model/safetensors.h"

namespace prolong {
namespace {

using data::json::Value;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// Sets every field of `message` to its default (one element for repeated
// fields), so that the text format names them all.
void FillWithDefaults(Message* message, int depth) {
  const google::protobuf::Descriptor* type = message->GetDescriptor();
  const google::protobuf::Reflection* reflection = message->GetReflection();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (depth > 2) continue;
      FillWithDefaults(field->is_repeated()
                           ? reflection->AddMessage(message, field)
                           : reflection->MutableMessage(message, field),
                       depth + 1);
      continue;
    }
    const bool repeated = field->is_repeated();
    switch (field->cpp_type()) {
#define PROLONG_SET(CPPTYPE, Name, default_value)           \
  case FieldDescriptor::CPPTYPE:                            \
    if (repeated) {                                         \
      reflection->Add##Name(message, field, default_value); \
    } else {                                                \
      reflection->Set##Name(message, field, default_value); \
    }                                                       \
    break;
      PROLONG_SET(CPPTYPE_INT32, Int32, field->default_value_int32())
      PROLONG_SET(CPPTYPE_INT64, Int64, field->default_value_int64())
      PROLONG_SET(CPPTYPE_UINT32, UInt32, field->default_value_uint32())
      PROLONG_SET(CPPTYPE_UINT64, UInt64, field->default_value_uint64())
      PROLONG_SET(CPPTYPE_DOUBLE, Double, field->default_value_double())
      PROLONG_SET(CPPTYPE_FLOAT, Float, field->default_value_float())
      PROLONG_SET(CPPTYPE_BOOL, Bool, field->default_value_bool())
      PROLONG_SET(CPPTYPE_ENUM, Enum, field->default_value_enum())
      PROLONG_SET(CPPTYPE_STRING, String, field->name())
#undef PROLONG_SET
      case FieldDescriptor::CPPTYPE_MESSAGE:
        break;
    }
  }
}

void WriteConfigSeeds(const std::string& dir) {
  const google::protobuf::FileDescriptor* file =
      config::ModelConfig::descriptor()->file();
  for (int i = 0; i < file->message_type_count(); ++i) {
    const google::protobuf::Descriptor* type = file->message_type(i);
    std::unique_ptr<Message> message(
        google::protobuf::MessageFactory::generated_factory()
            ->GetPrototype(type)
            ->New());
    FillWithDefaults(message.get(), 0);
    io::WriteFileAtomically(dir + "/" + type->name() + ".textproto",
                            config::ToText(*message));
  }
}

void WriteTokenizerSeeds(const std::string& dir) {
  const std::vector<std::string_view> texts = {
      "the cat sat on the mat", "the dog ate the hat",
      "def f(x):\n    return x + 1\n", "caf\xC3\xA9 na\xC3\xAFve 12345"};
  data::BpeTokenizer::Train(texts, 280, 1).Save(dir + "/trained.json");
}

void WriteJsonSeeds(const std::string& dir) {
  const Value kv =
      Value::Object{{"id", "q1"},
                    {"question", "Key: \"a1\"?"},
                    {"answers", Value::Array{"v1", "v\xC3\xA9"}},
                    {"context", "{\"a1\": \"v1\"}"},
                    {"demos", Value::Array{Value::Array{"k", "v"}}}};
  const Value rag = Value::Object{
      {"qid", "7"},
      {"query", "who?"},
      {"answer", "me"},
      {"ctxs",
       Value::Array{
           Value::Object{
               {"id", "d1"}, {"title", "T"}, {"text", "body"}, {"label", "2"}},
           Value::Object{{"title", "U"}, {"text", "more"}, {"label", 0}}}}};
  const Value icl = Value::Object{{"text", "good film"}, {"label", 1}};
  const Value numbers = Value::Array{0, -12, 1.5, 1e300, true, nullptr};
  io::WriteFileAtomically(dir + "/rows.jsonl",
                          data::json::Write(kv) + "\n" +
                              data::json::Write(rag) + "\n\n" +
                              data::json::Write(icl) + "\n");
  io::WriteFileAtomically(dir + "/value.json", data::json::Write(numbers, 2));
}

void WriteSafetensorsSeeds(const std::string& dir) {
  const std::vector<float> w = {1.0f, -2.5f, 0.0f, 3.25f, 1e-3f, -7.0f};
  const std::vector<float> b = {0.5f, -0.5f};
  for (auto [dtype, name] :
       {std::pair{model::SafetensorsDtype::kF32, "f32"},
        std::pair{model::SafetensorsDtype::kBF16, "bf16"}}) {
    io::WriteFileAtomically(
        dir + "/" + name + ".safetensors",
        model::SerializeSafetensors(
            {{"layers.0.w", {2, 3}, w.data()}, {"layers.0.b", {2}, b.data()}},
            dtype));
  }
}

void WriteTokenShardSeeds(const std::string& dir) {
  data::TokenShard shard;
  shard.domain = "books";
  shard.tokens = {5, 6, 7, 8, 9};
  shard.doc_offsets = {0, 2, 5};
  shard.doc_names = {"a", "b"};
  shard.tokenizer_fingerprint = "f";
  shard.manifest = "m";
  data::WriteTokenShard(shard, dir + "/text.h5");
  shard.loss_mask = {0, 1, 1, 0, 1};
  data::WriteTokenShard(shard, dir + "/chat.h5");
}

}  // namespace
}  // namespace prolong

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s SEEDS_DIR\n", argv[0]);
    return 2;
  }
  const std::string root = argv[1];
  for (const char* target :
       {"config", "json", "safetensors", "token_shard", "tokenizer_json"}) {
    std::filesystem::create_directories(root + "/" + target);
  }
  prolong::WriteConfigSeeds(root + "/config");
  prolong::WriteJsonSeeds(root + "/json");
  prolong::WriteSafetensorsSeeds(root + "/safetensors");
  prolong::WriteTokenShardSeeds(root + "/token_shard");
  prolong::WriteTokenizerSeeds(root + "/tokenizer_json");
  return 0;
}
