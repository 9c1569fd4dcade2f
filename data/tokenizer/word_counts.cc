#include "data/tokenizer/word_counts.h"

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>

#include "data/tokenizer/pretokenizer.h"

namespace prolong::data {
namespace {

// Chunks are about this long, so that threads share the work evenly.
constexpr size_t kChunkBytes = size_t{1} << 20;

using CountMap = std::unordered_map<std::string_view, int64_t>;

std::vector<std::string_view> SplitIntoChunks(
    const std::vector<std::string_view>& texts) {
  std::vector<std::string_view> chunks;
  for (const std::string_view text : texts) {
    size_t begin = 0;
    while (begin < text.size()) {
      const size_t end = NextSafeSplit(text, begin + kChunkBytes);
      chunks.push_back(text.substr(begin, end - begin));
      begin = end;
    }
  }
  return chunks;
}

void CountChunk(std::string_view chunk, CountMap* counts) {
  for (size_t begin = 0; begin < chunk.size();) {
    const size_t end = PreTokenEnd(chunk, begin);
    ++(*counts)[chunk.substr(begin, end - begin)];
    begin = end;
  }
}

}  // namespace

std::vector<WordCount> CountWords(const std::vector<std::string_view>& texts,
                                  int threads) {
  if (threads < 1) {
    throw std::invalid_argument("CountWords: threads must be >= 1, got " +
                                std::to_string(threads));
  }
  const std::vector<std::string_view> chunks = SplitIntoChunks(texts);
  const size_t workers =
      std::max<size_t>(1, std::min<size_t>(threads, chunks.size()));
  std::vector<CountMap> counts(workers);
  std::atomic<size_t> next_chunk{0};
  const auto work = [&](size_t worker) {
    for (size_t i = next_chunk++; i < chunks.size(); i = next_chunk++) {
      CountChunk(chunks[i], &counts[worker]);
    }
  };
  std::vector<std::thread> pool;
  for (size_t worker = 1; worker < workers; ++worker) {
    pool.emplace_back(work, worker);
  }
  work(0);
  for (std::thread& thread : pool) thread.join();

  // Sums do not depend on which thread counted what.
  for (size_t worker = 1; worker < workers; ++worker) {
    for (const auto& [word, count] : counts[worker]) counts[0][word] += count;
    counts[worker] = CountMap();
  }
  std::vector<WordCount> result;
  result.reserve(counts[0].size());
  for (const auto& [word, count] : counts[0]) result.push_back({word, count});
  std::sort(
      result.begin(), result.end(),
      [](const WordCount& a, const WordCount& b) { return a.word < b.word; });
  return result;
}

}  // namespace prolong::data
