#include "data/io/hdf5_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "data/io/atomic_file.h"

namespace prolong::io {
namespace {

using ::testing::HasSubstr;

std::string TestPath(const std::string& name) {
  return std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
}

void WriteSample(const std::string& path) {
  H5Writer writer(path);
  writer.Write<int32_t>("tokens", {1, 2, 3, 4, 5, 6}, {2, 3});
  writer.Write<double>("group/inner/scores", {0.5, 0.25});
  writer.Write<float>("empty", std::vector<float>{});
  writer.WriteText("config", "name: \"x\"\n");
  writer.WriteStrings("names", {"a", "", "longer name"});
  writer.Commit();
}

TEST(Hdf5File, RoundTripsEveryType) {
  const std::string path = TestPath("round.h5");
  WriteSample(path);
  H5Reader reader(path);
  Shape shape;
  EXPECT_EQ(reader.Read<int32_t>("tokens", &shape),
            (std::vector<int32_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(shape, (Shape{2, 3}));
  EXPECT_EQ(reader.Read<double>("group/inner/scores"),
            (std::vector<double>{0.5, 0.25}));
  EXPECT_TRUE(reader.Read<float>("empty").empty());
  EXPECT_EQ(reader.ReadText("config"), "name: \"x\"\n");
  EXPECT_EQ(reader.ReadStrings("names"),
            (std::vector<std::string>{"a", "", "longer name"}));
  EXPECT_TRUE(reader.Has("group/inner/scores"));
  EXPECT_FALSE(reader.Has("group/missing/scores"));
}

TEST(Hdf5File, SameContentsGiveSameBytes) {
  WriteSample(TestPath("a.h5"));
  // A second later: no object (dataset or group) may carry a timestamp.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  WriteSample(TestPath("b.h5"));
  EXPECT_EQ(ReadFile(TestPath("a.h5")), ReadFile(TestPath("b.h5")));
}

TEST(Hdf5File, WrongTypeAndMissingDatasetNameTheFile) {
  const std::string path = TestPath("types.h5");
  WriteSample(path);
  H5Reader reader(path);
  EXPECT_THAT([&] { reader.Read<float>("tokens"); },
              ::testing::ThrowsMessage<std::runtime_error>(HasSubstr(
                  "types.h5: dataset tokens has an unexpected type")));
  EXPECT_THAT([&] { reader.Read<float>("nope"); },
              ::testing::ThrowsMessage<std::runtime_error>(
                  HasSubstr("missing dataset nope")));
}

TEST(Hdf5File, DetectsCorruptData) {
  const std::string path = TestPath("corrupt.h5");
  {
    H5Writer writer(path);
    writer.Write<int32_t>("values", std::vector<int32_t>(64, 7));
    writer.Commit();
  }
  std::string bytes = ReadFile(path);
  // Find the run of 7s and flip one of them.
  const std::string needle("\x07\x00\x00\x00\x07\x00\x00\x00", 8);
  const size_t at = bytes.find(needle);
  ASSERT_NE(at, std::string::npos);
  bytes[at] = 8;
  std::ofstream(path, std::ios::binary) << bytes;
  H5Reader reader(path);
  EXPECT_THAT([&] { reader.Read<int32_t>("values"); },
              ::testing::ThrowsMessage<std::runtime_error>(
                  HasSubstr("corrupt.h5: dataset values is corrupt")));
}

TEST(Hdf5File, DetectsTruncatedFile) {
  const std::string path = TestPath("truncated.h5");
  WriteSample(path);
  const std::string bytes = ReadFile(path);
  std::ofstream(path, std::ios::binary) << bytes.substr(0, bytes.size() / 3);
  EXPECT_THROW(
      {
        H5Reader reader(path);
        reader.Read<int32_t>("tokens");
        reader.ReadStrings("names");
      },
      std::runtime_error);
}

TEST(Hdf5File, UncommittedWriterLeavesNothing) {
  const std::string path = TestPath("never.h5");
  {
    H5Writer writer(path);
    writer.Write<int32_t>("x", {1});
  }
  EXPECT_FALSE(std::ifstream(path).good());
}

}  // namespace
}  // namespace prolong::io
