#include "data/packing/packing.h"

#include <gtest/gtest.h>

#include <map>
#include <numeric>
#include <set>

#include "data/packing/mixture.h"

namespace prolong::data {
namespace {

constexpr SpecialTokens kSpecial{1000, 1001};

// Documents of the given lengths; token values encode (document, position).
TokenShard MakeShard(const std::string& domain,
                     const std::vector<int>& lengths) {
  TokenShard shard;
  shard.domain = domain;
  for (size_t d = 0; d < lengths.size(); ++d) {
    for (int i = 0; i < lengths[d]; ++i) {
      shard.tokens.push_back(static_cast<int32_t>(d * 100 + i % 100));
    }
    shard.doc_offsets.push_back(static_cast<int64_t>(shard.tokens.size()));
    shard.doc_names.push_back("doc" + std::to_string(d));
  }
  return shard;
}

TEST(LongChunks, DropsShortDocumentsAndLeftovers) {
  // Wrapped lengths: 10+2=12 (dropped, < 16), 38+2=40 -> 2 chunks + 8 left.
  const TokenShard shard = MakeShard("books", {10, 38});
  const auto rows = LongChunks(shard, 16, kSpecial);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].tokens.front(), kSpecial.bos);
  EXPECT_EQ(rows[0].tokens[1], 100);
  EXPECT_EQ(rows[1].tokens.front(), 100 + 15);  // continues document 1
  for (const auto& row : rows) {
    EXPECT_EQ(row.tokens.size(), 16u);
    EXPECT_EQ(row.doc_starts, (std::vector<int32_t>{0, 16}));
  }
}

TEST(PackLongChunks, PacksSingleDocumentChunksOfAnEighth) {
  // 2 documents of 70 tokens (72 wrapped) -> 9 chunks of 8 each -> 18
  // chunks; rows of 64 hold 8 chunks -> 2 rows, 2 chunks left over.
  const TokenShard shard = MakeShard("code", {70, 70, 3});
  const auto rows = PackLongChunks(shard, 64, 8, 5, kSpecial);
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& row : rows) {
    ASSERT_EQ(row.tokens.size(), 64u);
    ASSERT_EQ(row.doc_starts.size(), 9u);
    for (size_t k = 0; k < row.doc_starts.size(); ++k) {
      EXPECT_EQ(row.doc_starts[k], static_cast<int32_t>(8 * k));
    }
  }
  // Every chunk is a slice of one document: values increase by one inside
  // a chunk unless it starts with BOS or ends with EOS.
  for (const auto& row : rows) {
    for (size_t k = 0; k + 1 < row.doc_starts.size(); ++k) {
      for (int32_t i = row.doc_starts[k] + 1; i < row.doc_starts[k + 1]; ++i) {
        const int32_t prev = row.tokens[i - 1], cur = row.tokens[i];
        if (prev == kSpecial.bos || cur == kSpecial.eos) continue;
        EXPECT_EQ(cur, prev + 1) << "row chunk " << k << " position " << i;
      }
    }
  }
}

TEST(PackShort, LosesAndDuplicatesNothingWithinAPass) {
  const std::vector<int> lengths = {5, 17, 3, 9, 30, 1, 12};
  const TokenShard shard = MakeShard("web", lengths);
  const int total = std::accumulate(lengths.begin(), lengths.end(), 0) +
                    2 * static_cast<int>(lengths.size());  // 91
  const int seq_len = 13;
  const auto rows = PackShort(shard, seq_len, total / seq_len, 7, kSpecial);
  ASSERT_EQ(rows.size(), static_cast<size_t>(total / seq_len));
  std::map<int32_t, int> seen;
  std::vector<int32_t> stream;
  for (const auto& row : rows) {
    ASSERT_EQ(row.tokens.size(), static_cast<size_t>(seq_len));
    ASSERT_EQ(row.doc_starts.front(), 0);
    ASSERT_EQ(row.doc_starts.back(), seq_len);
    for (size_t k = 1; k < row.doc_starts.size(); ++k) {
      ASSERT_LT(row.doc_starts[k - 1], row.doc_starts[k]);
    }
    stream.insert(stream.end(), row.tokens.begin(), row.tokens.end());
  }
  // 91 tokens = 7 rows of 13 exactly: every token of every document once.
  for (int32_t t : stream) ++seen[t];
  EXPECT_EQ(seen[kSpecial.bos], 7);
  EXPECT_EQ(seen[kSpecial.eos], 7);
  for (size_t d = 0; d < lengths.size(); ++d) {
    for (int i = 0; i < lengths[d]; ++i) {
      EXPECT_EQ(seen[static_cast<int32_t>(d * 100 + i)], 1)
          << "document " << d << " token " << i;
    }
  }
}

TEST(PackShort, SegmentsFollowDocumentBoundaries) {
  const TokenShard shard = MakeShard("web", {4, 4, 4});
  const auto rows = PackShort(shard, 9, 2, 3, kSpecial);  // 18 tokens = 3 x 6
  // Every segment starts with BOS or continues a document cut by the row
  // boundary; every BOS is at a segment start.
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.tokens.size(); ++i) {
      if (row.tokens[i] == kSpecial.bos) {
        EXPECT_NE(std::find(row.doc_starts.begin(), row.doc_starts.end(),
                            static_cast<int32_t>(i)),
                  row.doc_starts.end());
      }
    }
  }
}

TEST(PackShort, IsDeterministicAndSeedDependent) {
  const TokenShard shard = MakeShard("web", {5, 17, 3, 9, 30, 1, 12});
  const auto a = PackShort(shard, 8, 20, 11, kSpecial);
  const auto b = PackShort(shard, 8, 20, 11, kSpecial);
  const auto c = PackShort(shard, 8, 20, 12, kSpecial);
  ASSERT_EQ(a.size(), 20u);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].tokens, b[i].tokens);
  bool differs = false;
  for (size_t i = 0; i < a.size(); ++i) differs |= a[i].tokens != c[i].tokens;
  EXPECT_TRUE(differs);
}

TEST(Mixture, ProportionsAreExactByTokens) {
  std::map<std::string, TokenShard> shards;
  shards["code"] = MakeShard("code", {200, 150, 90});
  shards["books"] = MakeShard("books", {300});
  shards["web"] = MakeShard("web", {5, 7, 9, 11, 13});
  config::MixtureConfig config;
  config.set_seq_len(32);
  config.set_num_sequences(50);
  config.set_seed(5);
  for (const auto& [name, share, role] :
       std::vector<std::tuple<std::string, double, config::DataRole>>{
           {"code", 0.3, config::LONG},
           {"books", 0.3, config::LONG},
           {"web", 0.4, config::SHORT}}) {
    auto* d = config.add_domains();
    d->set_domain(name);
    d->set_proportion(share);
    d->set_role(role);
  }
  const Mixture mixture = BuildMixture(config, shards, kSpecial);
  ASSERT_EQ(mixture.rows.size(), 50u);
  std::map<int, int> rows_per_domain;
  for (const auto& row : mixture.rows) ++rows_per_domain[row.domain];
  EXPECT_EQ(rows_per_domain[0], 15);
  EXPECT_EQ(rows_per_domain[1], 15);
  EXPECT_EQ(rows_per_domain[2], 20);
  EXPECT_EQ(mixture.accounts[1].distinct_rows, 9);  // 302 / 32
  EXPECT_EQ(mixture.accounts[2].tokens, 20 * 32);

  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/m.h5";
  WriteMixture(mixture, path);
  const Mixture read = ReadMixture(path);
  ASSERT_EQ(read.rows.size(), mixture.rows.size());
  for (size_t i = 0; i < read.rows.size(); ++i) {
    EXPECT_EQ(read.rows[i].tokens, mixture.rows[i].tokens);
    EXPECT_EQ(read.rows[i].doc_starts, mixture.rows[i].doc_starts);
    EXPECT_EQ(read.rows[i].domain, mixture.rows[i].domain);
  }
  EXPECT_EQ(read.config, mixture.config);
}

// The documents whose tokens appear in `rows` (token value / 100).
std::set<int> DocumentsIn(const std::vector<PackedRow>& rows) {
  std::set<int> documents;
  for (const auto& row : rows) {
    for (const int32_t token : row.tokens) {
      if (token != kSpecial.bos && token != kSpecial.eos) {
        documents.insert(token / 100);
      }
    }
  }
  return documents;
}

TEST(Mixture, FullLengthAndShorterChunksOfADomainShareNoDocument) {
  std::map<std::string, TokenShard> shards;
  // Documents 0-3 fill a 32-token sequence; 4-9 only an 8-token chunk.
  shards["code"] = MakeShard("code", {100, 90, 80, 70, 20, 25, 12, 14, 16, 18});
  config::MixtureConfig config;
  config.set_seq_len(32);
  config.set_num_sequences(20);
  for (const int chunk_len : {0, 8}) {
    auto* d = config.add_domains();
    d->set_domain("code");
    d->set_proportion(0.5);
    d->set_role(config::LONG);
    d->set_chunk_len(chunk_len);
  }
  const Mixture mixture = BuildMixture(config, shards, kSpecial);
  std::vector<PackedRow> full, packed;
  for (const auto& row : mixture.rows) {
    (row.domain == 0 ? full : packed).push_back(row);
  }
  ASSERT_EQ(full.size(), 10u);
  ASSERT_EQ(packed.size(), 10u);
  for (const int d : DocumentsIn(full)) EXPECT_LT(d, 4);
  for (const int d : DocumentsIn(packed)) EXPECT_GE(d, 4);
}

TEST(Mixture, LongDomainWithoutLongDocumentsIsAnError) {
  std::map<std::string, TokenShard> shards;
  shards["code"] = MakeShard("code", {3, 4});
  config::MixtureConfig config;
  config.set_seq_len(32);
  config.set_num_sequences(4);
  auto* d = config.add_domains();
  d->set_domain("code");
  d->set_proportion(1.0);
  d->set_role(config::LONG);
  EXPECT_THROW(BuildMixture(config, shards, kSpecial), std::runtime_error);
}

}  // namespace
}  // namespace prolong::data
