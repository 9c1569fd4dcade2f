#include "model/safetensors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/io/atomic_file.h"
#include "data/json/parser.h"
#include "data/json/value.h"
#include "model/half_precision.h"

namespace prolong::model {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// A file with the given header text and data section.
std::string MakeFile(const std::string& header, const std::string& data) {
  const uint64_t length = header.size();
  std::string file(8, '\0');
  std::memcpy(file.data(), &length, 8);
  return file + header + data;
}

template <typename T>
std::string Bytes(const std::vector<T>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()),
                     values.size() * sizeof(T));
}

// Parses `file` and expects an error mentioning every one of `parts`.
void ExpectError(const std::string& file,
                 const std::vector<std::string>& parts) {
  try {
    ParseSafetensors(file, "bad.safetensors");
    ADD_FAILURE() << "no error; expected " << ::testing::PrintToString(parts);
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind("bad.safetensors: ", 0), 0u) << message;
    for (const std::string& part : parts) {
      EXPECT_THAT(message, HasSubstr(part));
    }
  }
}

TEST(SafetensorsTest, WriterFollowsTheDocumentedLayout) {
  const std::vector<float> a = {1.0f,  -2.0f, 3.5f,
                                0.25f, 5.0f,  6.0f};  // (2, 3)
  const std::vector<float> b = {7.0f};                // ()
  const std::string file = SerializeSafetensors(
      {{"z.weight", {2, 3}, a.data()}, {"a.bias", {}, b.data()}},
      SafetensorsDtype::kF32);
  uint64_t header_length;
  std::memcpy(&header_length, file.data(), 8);
  EXPECT_EQ(header_length % 8, 0u);
  ASSERT_LE(8 + header_length, file.size());
  const std::string header_text = file.substr(8, header_length);
  EXPECT_EQ(header_text.front(), '{');
  const data::json::Value header = data::json::Parse(header_text);
  const data::json::Value* metadata = header.Find("__metadata__");
  ASSERT_NE(metadata, nullptr);
  EXPECT_EQ(*metadata,
            data::json::Value(data::json::Value::Object{{"format", "pt"}}));
  // Names sorted, offsets contiguous and in the same order.
  const data::json::Value* first = header.Find("a.bias");
  const data::json::Value* second = header.Find("z.weight");
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(first->Find("dtype")->AsString(), "F32");
  EXPECT_TRUE(first->Find("shape")->AsArray().empty());
  EXPECT_EQ(*first->Find("data_offsets"),
            data::json::Value(data::json::Value::Array{0, 4}));
  EXPECT_EQ(*second->Find("shape"),
            data::json::Value(data::json::Value::Array{2, 3}));
  EXPECT_EQ(*second->Find("data_offsets"),
            data::json::Value(data::json::Value::Array{4, 28}));
  EXPECT_EQ(file.substr(8 + header_length), Bytes(b) + Bytes(a));
}

TEST(SafetensorsTest, EmptyTensorsRoundTrip) {
  // A tensor with no elements (found by the fuzzer: it once passed a null
  // pointer to memcpy, which UBSan rejects).
  for (const auto dtype : {SafetensorsDtype::kF32, SafetensorsDtype::kBF16}) {
    const std::string file =
        SerializeSafetensors({{"empty", {0, 4}, nullptr}}, dtype);
    const auto tensors = ParseSafetensors(file, "empty.safetensors");
    ASSERT_EQ(tensors.count("empty"), 1u);
    EXPECT_TRUE(tensors.at("empty").values.empty());
    EXPECT_EQ(tensors.at("empty").shape, (std::vector<int64_t>{0, 4}));
  }
}

TEST(SafetensorsTest, Bfloat16IsRoundedToNearestEven) {
  const std::vector<float> values = {1.0f + 1.0f / 256, 3.14159265f, -1e-3f};
  const std::string file = SerializeSafetensors({{"w", {3}, values.data()}},
                                                SafetensorsDtype::kBF16);
  uint64_t header_length;
  std::memcpy(&header_length, file.data(), 8);
  std::vector<uint16_t> expected;
  for (float value : values) expected.push_back(FloatToBfloat16(value));
  EXPECT_EQ(file.substr(8 + header_length), Bytes(expected));
  const auto tensors = ParseSafetensors(file, "x");
  EXPECT_EQ(tensors.at("w").dtype, SafetensorsDtype::kBF16);
  EXPECT_EQ(tensors.at("w").values[0], 1.0f);
}

TEST(SafetensorsTest, ReadsEveryDtypeInAnyOrder) {
  const std::string header =
      R"({"h": {"dtype": "F16", "shape": [2], "data_offsets": [12, 16]},)"
      R"( "f": {"dtype": "F32", "shape": [1, 2], "data_offsets": [0, 8]},)"
      R"( "b": {"dtype": "BF16", "shape": [2], "data_offsets": [8, 12]},)"
      R"( "__metadata__": {"format": "pt"}})";
  const std::string data = Bytes(std::vector<float>{1.5f, -4.0f}) +
                           Bytes(std::vector<uint16_t>{0x3f80, 0xc040}) +
                           Bytes(std::vector<uint16_t>{0x3c00, 0x0001});
  const auto tensors = ParseSafetensors(MakeFile(header, data), "x");
  ASSERT_EQ(tensors.size(), 3u);
  EXPECT_EQ(tensors.at("f").shape, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(tensors.at("f").values, (std::vector<float>{1.5f, -4.0f}));
  EXPECT_EQ(tensors.at("b").values, (std::vector<float>{1.0f, -3.0f}));
  EXPECT_EQ(tensors.at("h").dtype, SafetensorsDtype::kF16);
  EXPECT_EQ(tensors.at("h").values,
            (std::vector<float>{1.0f, Float16ToFloat(0x0001)}));
}

TEST(SafetensorsTest, RoundTripsThroughAFile) {
  const std::string path =
      std::string(std::getenv("TEST_TMPDIR")) + "/w.safetensors";
  const std::vector<float> values = {0.1f, 0.2f, 0.3f, 0.4f};
  io::WriteFileAtomically(path,
                          SerializeSafetensors({{"w", {2, 2}, values.data()}},
                                               SafetensorsDtype::kF32));
  EXPECT_EQ(ReadSafetensors(path).at("w").values, values);
  EXPECT_THAT([] { ReadSafetensors("/nonexistent/w.safetensors"); },
              ThrowsMessage<std::runtime_error>(
                  HasSubstr("/nonexistent/w.safetensors")));
}

TEST(SafetensorsTest, WriterRejectsF16AndDuplicates) {
  const float value = 1.0f;
  EXPECT_THROW(
      SerializeSafetensors({{"w", {1}, &value}}, SafetensorsDtype::kF16),
      std::invalid_argument);
  EXPECT_THROW(SerializeSafetensors({{"w", {1}, &value}, {"w", {1}, &value}},
                                    SafetensorsDtype::kF32),
               std::invalid_argument);
  EXPECT_THROW(
      SerializeSafetensors({{"w", {-1}, &value}}, SafetensorsDtype::kF32),
      std::invalid_argument);
}

TEST(SafetensorsTest, TruncatedFilesAreNamed) {
  const std::vector<float> values(16, 2.0f);
  const std::string file = SerializeSafetensors({{"w", {16}, values.data()}},
                                                SafetensorsDtype::kF32);
  ExpectError(file.substr(0, 5), {"truncated"});
  uint64_t header_length;
  std::memcpy(&header_length, file.data(), 8);
  ExpectError(file.substr(0, 8 + header_length / 2),
              {"header length " + std::to_string(header_length),
               "runs past the end of the file"});
  ExpectError(file.substr(0, file.size() - 4),
              {"tensor w", "data_offsets [0, 64]", "truncated file"});
}

TEST(SafetensorsTest, BadOffsetsAreNamed) {
  const std::string data(16, '\0');
  ExpectError(
      MakeFile(
          R"({"w": {"dtype": "F32", "shape": [4], "data_offsets": [4, 20]}})",
          data),
      {"tensor w", "data_offsets [4, 20] run past the end"});
  ExpectError(
      MakeFile(
          R"({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},)"
          R"( "v": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
          data),
      {"tensors w and v have overlapping data_offsets"});
  ExpectError(
      MakeFile(
          R"({"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}})",
          data),
      {"tensor w", "hold 8 bytes", "F32 of shape [3] needs 12"});
  ExpectError(
      MakeFile(
          R"({"w": {"dtype": "F32", "shape": [1], "data_offsets": [8, 4]}})",
          data),
      {"tensor w", "not an ordered range"});
}

TEST(SafetensorsTest, MalformedHeadersAreNamed) {
  const std::string data(8, '\0');
  ExpectError(MakeFile("{\"w\": ", data), {"header is not valid JSON"});
  ExpectError(MakeFile("[1, 2]", data), {"header is not a JSON object"});
  ExpectError(
      MakeFile(
          R"({"w": {"dtype": "I64", "shape": [1], "data_offsets": [0, 8]}})",
          data),
      {"tensor w", "unsupported dtype I64"});
  ExpectError(MakeFile(R"({"w": {"dtype": "F32", "shape": [2]}})", data),
              {"tensor w", "needs dtype, shape and data_offsets"});
  ExpectError(
      MakeFile(
          R"({"w": {"dtype": "F32", "shape": ["2"], "data_offsets": [0, 8]}})",
          data),
      {"tensor w", "malformed header entry"});
  ExpectError(
      MakeFile(
          R"({"w": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}})",
          data),
      {"tensor w", "invalid shape [-2]"});
}

}  // namespace
}  // namespace prolong::model
