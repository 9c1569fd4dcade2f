#include "data/shards/token_shard.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/io/atomic_file.h"

namespace prolong::data {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

std::string TestPath(const std::string& name) {
  return std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
}

TokenShard SampleShard() {
  TokenShard shard;
  shard.domain = "books";
  shard.tokens.assign(64, 7);
  shard.doc_offsets = {0, 40, 64};
  shard.doc_names = {"first", "second"};
  shard.tokenizer_fingerprint = "fingerprint";
  shard.manifest = "name: \"books\"";
  return shard;
}

TEST(TokenShardTest, RoundTrips) {
  const std::string path = TestPath("shard.h5");
  WriteTokenShard(SampleShard(), path);
  const TokenShard shard = ReadTokenShard(path);
  EXPECT_EQ(shard.domain, "books");
  EXPECT_EQ(shard.tokens, SampleShard().tokens);
  EXPECT_EQ(shard.doc_offsets, SampleShard().doc_offsets);
  EXPECT_EQ(shard.doc_names, SampleShard().doc_names);
  EXPECT_EQ(shard.tokenizer_fingerprint, "fingerprint");
  EXPECT_EQ(shard.manifest, "name: \"books\"");
  EXPECT_TRUE(shard.loss_mask.empty());
}

TEST(TokenShardTest, TruncatedShardIsNamed) {
  const std::string path = TestPath("truncated.h5");
  WriteTokenShard(SampleShard(), path);
  const std::string bytes = io::ReadFile(path);
  for (size_t keep : {size_t{0}, size_t{100}, bytes.size() / 2}) {
    io::WriteFileAtomically(path, bytes.substr(0, keep));
    EXPECT_THAT([&] { ReadTokenShard(path); },
                ThrowsMessage<std::runtime_error>(HasSubstr(path)))
        << "kept " << keep << " bytes";
  }
}

TEST(TokenShardTest, CorruptTokensAreNamed) {
  const std::string path = TestPath("corrupt.h5");
  WriteTokenShard(SampleShard(), path);
  std::string bytes = io::ReadFile(path);
  const std::string sevens("\x07\x00\x00\x00\x07\x00\x00\x00", 8);
  const size_t at = bytes.find(sevens);
  ASSERT_NE(at, std::string::npos);
  bytes[at] = 8;
  io::WriteFileAtomically(path, bytes);
  EXPECT_THAT([&] { ReadTokenShard(path); },
              ThrowsMessage<std::runtime_error>(
                  AllOf(HasSubstr(path), HasSubstr("dataset tokens"))));
}

TEST(TokenShardTest, InconsistentOffsetsAreNamed) {
  const std::string path = TestPath("offsets.h5");
  TokenShard shard = SampleShard();
  shard.doc_offsets = {0, 50, 40};  // ends short of the 64 tokens
  WriteTokenShard(shard, path);
  EXPECT_THAT([&] { ReadTokenShard(path); },
              ThrowsMessage<std::runtime_error>(
                  HasSubstr(path + ": doc_offsets do not match tokens")));
  shard.doc_offsets = {0, 70, 30, 64};
  shard.doc_names = {"first", "second", "third"};
  WriteTokenShard(shard, path);
  EXPECT_THAT([&] { ReadTokenShard(path); },
              ThrowsMessage<std::runtime_error>(
                  HasSubstr(path + ": doc_offsets decrease at document 1")));
}

}  // namespace
}  // namespace prolong::data
