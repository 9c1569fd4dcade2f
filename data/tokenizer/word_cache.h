// A thread-safe cache from short pre-tokens to their token ids.

#ifndef PROLONG_DATA_TOKENIZER_WORD_CACHE_H_
#define PROLONG_DATA_TOKENIZER_WORD_CACHE_H_

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace prolong::data {

class WordCache {
 public:
  // Words longer than this are not cached.
  static constexpr size_t kMaxWordBytes = 64;

  WordCache();
  // Copies (and moves, which copy) start empty: a cache is an optimisation,
  // not state, and a moved-from cache stays usable.
  WordCache(const WordCache&);
  WordCache& operator=(const WordCache&);
  ~WordCache();

  // If `word` is cached, appends its ids to `ids` and returns true.
  bool Lookup(std::string_view word, std::vector<int32_t>* ids) const;
  // Caches ids[0, count) for `word` (const: caching changes no observable
  // state). A full shard is emptied first, so memory stays bounded.
  void Insert(std::string_view word, const int32_t* ids, size_t count) const;

 private:
  static constexpr size_t kShards = 16;
  static constexpr size_t kMaxWordsPerShard = size_t{1} << 15;

  struct Shard {
    std::mutex mutex;
    std::deque<std::string> words;  // Owns the keys of `index`.
    std::vector<int32_t> ids;       // The cached ids, back to back.
    // Word -> (offset in `ids`, number of ids).
    std::unordered_map<std::string_view, std::pair<uint32_t, uint32_t>> index;
  };

  Shard& ShardFor(std::string_view word) const;

  std::unique_ptr<std::array<Shard, kShards>> shards_;
};

}  // namespace prolong::data

#endif  // PROLONG_DATA_TOKENIZER_WORD_CACHE_H_
