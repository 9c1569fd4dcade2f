#include "data/tokenizer/word_cache.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace prolong::data {
namespace {

TEST(WordCacheTest, ReturnsWhatWasInserted) {
  WordCache cache;
  std::vector<int32_t> ids = {9};
  EXPECT_FALSE(cache.Lookup("hello", &ids));
  const int32_t hello[] = {1, 2, 3};
  cache.Insert("hello", hello, 3);
  EXPECT_TRUE(cache.Lookup("hello", &ids));
  EXPECT_EQ(ids, (std::vector<int32_t>{9, 1, 2, 3}));  // Appended.
  EXPECT_FALSE(cache.Lookup("hell", &ids));
}

TEST(WordCacheTest, SkipsLongWords) {
  WordCache cache;
  const std::string long_word(WordCache::kMaxWordBytes + 1, 'x');
  const int32_t id = 7;
  cache.Insert(long_word, &id, 1);
  std::vector<int32_t> ids;
  EXPECT_FALSE(cache.Lookup(long_word, &ids));
}

TEST(WordCacheTest, CopiesStartEmpty) {
  WordCache cache;
  const int32_t id = 7;
  cache.Insert("w", &id, 1);
  const WordCache copy = cache;
  std::vector<int32_t> ids;
  EXPECT_FALSE(copy.Lookup("w", &ids));
  EXPECT_TRUE(cache.Lookup("w", &ids));
}

TEST(WordCacheTest, StaysCorrectWhenShardsOverflow) {
  WordCache cache;
  std::vector<int32_t> ids;
  for (int32_t i = 0; i < 1200000; ++i) {
    const std::string word = std::to_string(i);
    cache.Insert(word, &i, 1);
    ids.clear();
    ASSERT_TRUE(cache.Lookup(word, &ids));
    ASSERT_EQ(ids, std::vector<int32_t>{i});
  }
  ids.clear();
  // Early words were evicted or are still right.
  if (cache.Lookup("0", &ids)) {
    EXPECT_EQ(ids, std::vector<int32_t>{0});
  }
}

}  // namespace
}  // namespace prolong::data
