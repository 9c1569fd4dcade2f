#include "data/tokenizer/bpe_trainer.h"

#include <algorithm>
#include <cstdint>
#include <queue>
#include <unordered_map>
#include <utility>

namespace prolong::data {
namespace {

uint64_t PairKey(int32_t left, int32_t right) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) |
         static_cast<uint32_t>(right);
}
int32_t LeftOf(uint64_t key) { return static_cast<int32_t>(key >> 32); }
int32_t RightOf(uint64_t key) { return static_cast<int32_t>(key & 0xFFFFFFFF); }

// A pair and a count it had when queued. Counts of queued pairs only go
// down, except for pairs that contain a just-merged token, which are queued
// again; so the top entry is current if its count is the pair's count.
struct QueuedPair {
  int64_t count;
  uint64_t key;
  // Priority order: higher count first, then the lower pair.
  bool operator<(const QueuedPair& other) const {
    return count != other.count ? count < other.count : key > other.key;
  }
};

class Trainer {
 public:
  explicit Trainer(const std::vector<WordCount>& words) {
    for (int b = 0; b < 256; ++b) {
      result_.tokens.emplace_back(1, static_cast<char>(b));
      token_ids_.emplace(result_.tokens.back(), b);
    }
    symbols_.reserve(words.size());
    counts_.reserve(words.size());
    for (const WordCount& word : words) {
      const int32_t w = static_cast<int32_t>(symbols_.size());
      std::vector<int32_t>& symbols = symbols_.emplace_back();
      for (const char c : word.word) {
        symbols.push_back(static_cast<unsigned char>(c));
      }
      counts_.push_back(word.count);
      for (size_t i = 0; i + 1 < symbols.size(); ++i) {
        AddToPair(PairKey(symbols[i], symbols[i + 1]), word.count, w);
      }
    }
    for (const auto& [key, count] : pair_counts_) queue_.push({count, key});
  }

  LearnedBpe Run(int num_tokens) && {
    while (result_.tokens.size() < static_cast<size_t>(num_tokens) &&
           !queue_.empty()) {
      const QueuedPair top = queue_.top();
      queue_.pop();
      const auto it = pair_counts_.find(top.key);
      if (it == pair_counts_.end() || it->second <= 0) continue;
      if (it->second != top.count) {
        queue_.push({it->second, top.key});
        continue;
      }
      ApplyMerge(top.key);
    }
    return std::move(result_);
  }

 private:
  // Adds `delta` to the count of pair `key`, and, for a positive delta,
  // records that word `w` contains the pair.
  void AddToPair(uint64_t key, int64_t delta, int32_t w) {
    pair_counts_[key] += delta;
    if (delta > 0) {
      std::vector<int32_t>& words = pair_words_[key];
      if (words.empty() || words.back() != w) words.push_back(w);
    }
  }

  int32_t TokenFor(int32_t left, int32_t right) {
    std::string bytes = result_.tokens[left] + result_.tokens[right];
    const auto [it, inserted] =
        token_ids_.emplace(bytes, static_cast<int32_t>(result_.tokens.size()));
    if (inserted) result_.tokens.push_back(std::move(bytes));
    return it->second;
  }

  void ApplyMerge(uint64_t key) {
    const int32_t a = LeftOf(key);
    const int32_t b = RightOf(key);
    const int32_t merged = TokenFor(a, b);
    result_.merges.push_back({a, b, merged});

    std::vector<int32_t> words = std::move(pair_words_[key]);
    pair_words_.erase(key);
    std::sort(words.begin(), words.end());
    words.erase(std::unique(words.begin(), words.end()), words.end());
    std::vector<uint64_t> grown;  // Pairs whose count went up.
    for (const int32_t w : words) {
      // Merge every occurrence, left to right, in place: s[0, j) is the new
      // sequence and s[i, end) what is left of the old one.
      std::vector<int32_t>& s = symbols_[w];
      const int64_t count = counts_[w];
      size_t j = 0;
      for (size_t i = 0; i < s.size();) {
        if (i + 1 < s.size() && s[i] == a && s[i + 1] == b) {
          if (j > 0) {
            AddToPair(PairKey(s[j - 1], a), -count, w);
            AddToPair(PairKey(s[j - 1], merged), count, w);
            grown.push_back(PairKey(s[j - 1], merged));
          }
          if (i + 2 < s.size()) {
            AddToPair(PairKey(b, s[i + 2]), -count, w);
            AddToPair(PairKey(merged, s[i + 2]), count, w);
            grown.push_back(PairKey(merged, s[i + 2]));
          }
          s[j++] = merged;
          i += 2;
        } else {
          s[j++] = s[i++];
        }
      }
      s.resize(j);
    }
    pair_counts_.erase(key);
    std::sort(grown.begin(), grown.end());
    grown.erase(std::unique(grown.begin(), grown.end()), grown.end());
    for (const uint64_t grown_key : grown) {
      const int64_t count = pair_counts_[grown_key];
      if (count > 0) queue_.push({count, grown_key});
    }
  }

  LearnedBpe result_;
  std::unordered_map<std::string, int32_t> token_ids_;
  std::vector<std::vector<int32_t>> symbols_;  // Per word, its current tokens.
  std::vector<int64_t> counts_;                // Per word, its count.
  std::unordered_map<uint64_t, int64_t> pair_counts_;
  // Per pair, the words that contained it when it was counted up (a superset
  // of the words that contain it now).
  std::unordered_map<uint64_t, std::vector<int32_t>> pair_words_;
  std::priority_queue<QueuedPair> queue_;
};

}  // namespace

LearnedBpe LearnBpe(const std::vector<WordCount>& words, int num_tokens) {
  return Trainer(words).Run(num_tokens);
}

}  // namespace prolong::data
