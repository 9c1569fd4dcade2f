// Every document of every corpus the pipeline reads round-trips through the
// tokenizer it trains: Decode(Encode(text)) == text, byte for byte.
//
//   corpus_round_trip_test <tokenizer.json> <corpus.h5>...
// (BUILD passes the trained tokenizer and all nine corpora; other files in
// the arguments, such as manifests, are ignored.)
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "data/corpus/document.h"
#include "data/tokenizer/bpe_tokenizer.h"

namespace prolong::data {
namespace {

constexpr int kThreads = 2;
constexpr size_t kCorporaInTheBuild = 9;

std::string* tokenizer_path = nullptr;
std::vector<std::string>* corpus_paths = nullptr;

// The first byte offset where a and b differ (their common length if one is
// a prefix of the other).
size_t FirstDifference(const std::string& a, const std::string& b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return i;
}

TEST(CorpusRoundTrip, EveryDocumentOfEveryCorpus) {
  ASSERT_EQ(corpus_paths->size(), kCorporaInTheBuild);
  const BpeTokenizer tokenizer = BpeTokenizer::Load(*tokenizer_path);
  for (const std::string& path : *corpus_paths) {
    const Corpus corpus = ReadCorpus(path);
    ASSERT_FALSE(corpus.documents.empty()) << path;
    std::vector<std::string> failures(corpus.documents.size());
    std::atomic<size_t> next{0};
    std::atomic<int64_t> bytes{0}, tokens{0};
    const auto work = [&] {
      for (size_t i = next++; i < corpus.documents.size(); i = next++) {
        const std::string& text = corpus.documents[i].text;
        const std::vector<int32_t> ids = tokenizer.Encode(text);
        const std::string decoded = tokenizer.Decode(ids);
        if (decoded != text) {
          failures[i] = corpus.documents[i].name + " differs at byte " +
                        std::to_string(FirstDifference(decoded, text)) +
                        " of " + std::to_string(text.size());
        }
        bytes += static_cast<int64_t>(text.size());
        tokens += static_cast<int64_t>(ids.size());
      }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < kThreads; ++t) pool.emplace_back(work);
    work();
    for (std::thread& thread : pool) thread.join();
    for (const std::string& failure : failures) {
      EXPECT_TRUE(failure.empty()) << path << ": " << failure;
    }
    std::printf("%s: %zu documents, %lld bytes, %lld tokens round-trip\n",
                corpus.domain.c_str(), corpus.documents.size(),
                static_cast<long long>(bytes.load()),
                static_cast<long long>(tokens.load()));
  }
}

}  // namespace
}  // namespace prolong::data

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s tokenizer.json corpus.h5...\n", argv[0]);
    return 2;
  }
  std::string tokenizer = argv[1];
  std::vector<std::string> corpora;
  for (int i = 2; i < argc; ++i) {
    const std::string path = argv[i];
    if (path.size() > 3 && path.substr(path.size() - 3) == ".h5") {
      corpora.push_back(path);
    }
  }
  prolong::data::tokenizer_path = &tokenizer;
  prolong::data::corpus_paths = &corpora;
  return RUN_ALL_TESTS();
}
