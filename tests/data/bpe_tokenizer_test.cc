#include "data/tokenizer/bpe_tokenizer.h"

#include <dirent.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "data/io/atomic_file.h"
#include "gtest/gtest.h"
#include "tests/data/generated_text.h"

namespace prolong::data {
namespace {

// One tokenizer for the whole suite: trained once on generated text.
const BpeTokenizer& Trained() {
  static const BpeTokenizer* const tokenizer = [] {
    static const std::string text = GeneratedText(300000, 42);
    return new BpeTokenizer(BpeTokenizer::Train({text}, 1000, 2));
  }();
  return *tokenizer;
}

TEST(BpeTokenizerTest, HasTheRequestedVocabulary) {
  const BpeTokenizer& tokenizer = Trained();
  EXPECT_EQ(tokenizer.vocab_size(), 1000);
  EXPECT_EQ(tokenizer.bos_id(), 995);
  EXPECT_EQ(tokenizer.eos_id(), 996);
  EXPECT_EQ(tokenizer.SpecialId("<|begin_of_text|>"), 995);
  EXPECT_EQ(tokenizer.SpecialId("<|start_header_id|>"), 997);
  EXPECT_EQ(tokenizer.SpecialId("<|end_header_id|>"), 998);
  EXPECT_EQ(tokenizer.SpecialId("<|eot_id|>"), 999);
  EXPECT_THROW(tokenizer.SpecialId("<|nope|>"), std::invalid_argument);
}

TEST(BpeTokenizerTest, CompressesTextLikeItsTrainingText) {
  const std::string text = GeneratedText(50000, 43);
  const std::vector<int32_t> ids = Trained().Encode(text);
  EXPECT_LT(ids.size() * 2, text.size());  // Over 2 bytes per token.
  EXPECT_EQ(Trained().Decode(ids), text);
}

TEST(BpeTokenizerTest, RoundTripsRandomBytes) {
  const BpeTokenizer& tokenizer = Trained();
  for (uint64_t seed = 0; seed < 50; ++seed) {
    const std::string bytes = RandomBytes(seed * 37, seed);
    ASSERT_EQ(tokenizer.Decode(tokenizer.Encode(bytes)), bytes) << seed;
  }
  constexpr char kTricky[] = "\0\0 \xC3\x28 \xF0\x9F\x98 'll\r\n\xFF";
  const std::string tricky(kTricky, sizeof(kTricky) - 1);
  EXPECT_EQ(tokenizer.Decode(tokenizer.Encode(tricky)), tricky);
  EXPECT_TRUE(tokenizer.Encode("").empty());
  EXPECT_EQ(tokenizer.Decode({}), "");
}

TEST(BpeTokenizerTest, RoundTripsPythonSources) {
  const std::string dir = "/usr/lib/python3.11/json";
  DIR* handle = opendir(dir.c_str());
  if (handle == nullptr) GTEST_SKIP() << dir << " is not installed";
  int files = 0;
  while (const dirent* entry = readdir(handle)) {
    const std::string name = entry->d_name;
    if (name.size() < 3 || name.substr(name.size() - 3) != ".py") continue;
    const std::string text = io::ReadFile(dir + "/" + name);
    const std::vector<int32_t> ids = Trained().Encode(text);
    EXPECT_EQ(Trained().Decode(ids), text) << name;
    EXPECT_LT(ids.size(), text.size()) << name;
    ++files;
  }
  closedir(handle);
  EXPECT_GT(files, 0);
}

TEST(BpeTokenizerTest, NeverEmitsSpecialTokens) {
  const BpeTokenizer& tokenizer = Trained();
  const std::string text = "<|begin_of_text|>hi<|eot_id|>";
  const std::vector<int32_t> ids = tokenizer.Encode(text);
  for (const int32_t id : ids) EXPECT_LT(id, tokenizer.bos_id());
  EXPECT_EQ(tokenizer.Decode(ids), text);
  EXPECT_EQ(
      tokenizer.Decode({tokenizer.bos_id(), ids[0], tokenizer.eos_id()}),
      "<|begin_of_text|>" + tokenizer.Decode({ids[0]}) + "<|end_of_text|>");
}

TEST(BpeTokenizerTest, DecodeRejectsUnknownIds) {
  EXPECT_THROW(Trained().Decode({1000}), std::out_of_range);
  EXPECT_THROW(Trained().Decode({-1}), std::out_of_range);
}

TEST(BpeTokenizerTest, TrainingIsTheSameForAnyThreadCount) {
  const std::string a = GeneratedText(1500000, 1);  // Split into chunks.
  const std::string b = GeneratedText(30000, 2);
  const std::vector<std::string_view> texts = {a, b, b, "tail text"};
  const std::string dir = ::testing::TempDir();
  BpeTokenizer::Train(texts, 700, 1).Save(dir + "/threads1.json");
  BpeTokenizer::Train(texts, 700, 2).Save(dir + "/threads2.json");
  BpeTokenizer::Train(texts, 700, 3).Save(dir + "/threads3.json");
  const std::string one = io::ReadFile(dir + "/threads1.json");
  EXPECT_EQ(io::ReadFile(dir + "/threads2.json"), one);
  EXPECT_EQ(io::ReadFile(dir + "/threads3.json"), one);
}

TEST(BpeTokenizerTest, SmallCorpusGivesSmallerVocabulary) {
  const BpeTokenizer tokenizer = BpeTokenizer::Train({"abab"}, 1000, 1);
  // Merges: (a,b) then (ab,ab); then nothing is left to merge.
  EXPECT_EQ(tokenizer.vocab_size(), 256 + 2 + 5);
  EXPECT_EQ(tokenizer.Encode("abab"), (std::vector<int32_t>{257}));
  EXPECT_EQ(tokenizer.Encode("ab ab"), (std::vector<int32_t>{256, ' ', 256}));
}

TEST(BpeTokenizerTest, RejectsBadArguments) {
  EXPECT_THROW(BpeTokenizer::Train({"x"}, 260, 1), std::invalid_argument);
  EXPECT_THROW(BpeTokenizer::Train({"x"}, 300, 0), std::invalid_argument);
}

TEST(BpeTokenizerTest, ConcurrentEncodingGivesTheSameIds) {
  const BpeTokenizer tokenizer = Trained();  // A copy, with an empty cache.
  const std::string text = GeneratedText(200000, 44);
  const std::vector<int32_t> expected = Trained().Encode(text);
  std::vector<std::vector<int32_t>> results(4);
  std::vector<std::thread> threads;
  for (auto& result : results) {
    threads.emplace_back([&] { result = tokenizer.Encode(text); });
  }
  for (std::thread& thread : threads) thread.join();
  for (const auto& result : results) EXPECT_EQ(result, expected);
}

TEST(BpeTokenizerTest, SaveThenLoadEncodesIdentically) {
  const std::string path = ::testing::TempDir() + "/saved_tokenizer.json";
  Trained().Save(path);
  const BpeTokenizer loaded = BpeTokenizer::Load(path);
  EXPECT_EQ(loaded.vocab_size(), Trained().vocab_size());
  EXPECT_EQ(loaded.bos_id(), Trained().bos_id());
  EXPECT_EQ(loaded.SpecialId("<|eot_id|>"), Trained().SpecialId("<|eot_id|>"));
  const std::string text = GeneratedText(100000, 45) + RandomBytes(3000, 46);
  const std::vector<int32_t> ids = Trained().Encode(text);
  EXPECT_EQ(loaded.Encode(text), ids);
  EXPECT_EQ(loaded.Decode(ids), text);
  // Saving the loaded tokenizer reproduces the file.
  const std::string again = ::testing::TempDir() + "/saved_again.json";
  loaded.Save(again);
  EXPECT_EQ(io::ReadFile(again), io::ReadFile(path));
}

}  // namespace
}  // namespace prolong::data
