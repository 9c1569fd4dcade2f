#include "data/tokenizer/word_cache.h"

#include <functional>

namespace prolong::data {

WordCache::WordCache()
    : shards_(std::make_unique<std::array<Shard, kShards>>()) {}

WordCache::WordCache(const WordCache&) : WordCache() {}

WordCache& WordCache::operator=(const WordCache&) {
  shards_ = std::make_unique<std::array<Shard, kShards>>();
  return *this;
}

WordCache::~WordCache() = default;

WordCache::Shard& WordCache::ShardFor(std::string_view word) const {
  return (*shards_)[std::hash<std::string_view>()(word) % kShards];
}

bool WordCache::Lookup(std::string_view word, std::vector<int32_t>* ids) const {
  Shard& shard = ShardFor(word);
  std::lock_guard<std::mutex> lock(shard.mutex);
  const auto it = shard.index.find(word);
  if (it == shard.index.end()) return false;
  const int32_t* first = shard.ids.data() + it->second.first;
  ids->insert(ids->end(), first, first + it->second.second);
  return true;
}

void WordCache::Insert(std::string_view word, const int32_t* ids,
                       size_t count) const {
  if (word.size() > kMaxWordBytes) return;
  Shard& shard = ShardFor(word);
  std::lock_guard<std::mutex> lock(shard.mutex);
  if (shard.index.count(word) > 0) return;  // Another thread was first.
  if (shard.index.size() >= kMaxWordsPerShard) {
    shard.index.clear();
    shard.words.clear();
    shard.ids.clear();
  }
  const std::string_view key = shard.words.emplace_back(word);
  shard.index.emplace(key,
                      std::make_pair(static_cast<uint32_t>(shard.ids.size()),
                                     static_cast<uint32_t>(count)));
  shard.ids.insert(shard.ids.end(), ids, ids + count);
}

}  // namespace prolong::data
