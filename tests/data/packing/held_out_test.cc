#include "data/packing/held_out.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "data/packing/mixture.h"

namespace prolong::data {
namespace {

constexpr SpecialTokens kSpecial{100000, 100001};

// Every token of document d is d, so a packed row tells which documents it
// holds.
TokenShard MakeShard(const std::string& domain,
                     const std::vector<int>& lengths) {
  TokenShard shard;
  shard.domain = domain;
  for (size_t d = 0; d < lengths.size(); ++d) {
    shard.tokens.insert(shard.tokens.end(), lengths[d],
                        static_cast<int32_t>(d));
    shard.doc_offsets.push_back(static_cast<int64_t>(shard.tokens.size()));
    shard.doc_names.push_back("doc" + std::to_string(d));
  }
  return shard;
}

int64_t CountHeldOut(const std::vector<bool>& held_out) {
  return std::count(held_out.begin(), held_out.end(), true);
}

TEST(HeldOutDocuments, HoldsOutAboutOneInTwenty) {
  const TokenShard shard = MakeShard("short_web", std::vector<int>(4000, 20));
  const int64_t held = CountHeldOut(HeldOutDocuments(shard));
  EXPECT_GT(held, 4000 / 20 - 50);
  EXPECT_LT(held, 4000 / 20 + 50);
}

TEST(HeldOutDocuments, IsDeterministicAndFollowsNamesNotPositions) {
  const TokenShard shard = MakeShard("books", std::vector<int>(300, 50));
  const std::vector<bool> first = HeldOutDocuments(shard);
  EXPECT_EQ(HeldOutDocuments(shard), first);
  ASSERT_GT(CountHeldOut(first), 0);

  // The same documents in reverse order: the same names are held out.
  TokenShard reversed = shard;
  std::reverse(reversed.doc_names.begin(), reversed.doc_names.end());
  const std::vector<bool> second = HeldOutDocuments(reversed);
  for (size_t d = 0; d < first.size(); ++d) {
    EXPECT_EQ(second[first.size() - 1 - d], first[d]) << shard.doc_names[d];
  }

  // Another domain with the same names draws another split.
  TokenShard other = shard;
  other.domain = "code_repos";
  EXPECT_NE(HeldOutDocuments(other), first);
}

TEST(HeldOutDocuments, GuaranteesLongDocumentsPerDomain) {
  // 40 documents of 5,000 tokens among 2,000 short ones: at least 8 long
  // ones are held out (the hash rule alone would give about 2).
  for (const std::string domain : {"books", "code_repos", "arxiv"}) {
    std::vector<int> lengths(2000, 30);
    lengths.insert(lengths.end(), 40, 5000);
    const TokenShard shard = MakeShard(domain, lengths);
    const std::vector<bool> held_out = HeldOutDocuments(shard);
    int64_t long_held = 0;
    for (int64_t d = 2000; d < shard.num_documents(); ++d) {
      long_held += held_out[d];
    }
    EXPECT_GE(long_held, kHeldOutLongDocuments) << domain;
    EXPECT_LE(long_held, 40 / 4) << domain;
  }
}

TEST(HeldOutDocuments, KeepsThreeQuartersOfFewLongDocuments) {
  // 12 long documents: the guarantee adds no more than 12 / 4 = 3.
  std::vector<int> lengths(600, 10);
  lengths.insert(lengths.end(), 12, 5000);
  const TokenShard shard = MakeShard("web", lengths);
  const std::vector<bool> held_out = HeldOutDocuments(shard);
  int64_t long_held = 0;
  for (int64_t d = 600; d < shard.num_documents(); ++d) {
    long_held += held_out[d];
  }
  EXPECT_EQ(long_held, 3);
}

TEST(HeldOutDocuments, NeverHoldsOutAGiantDocument) {
  // Document 0 holds a third of the domain's tokens; across many domains
  // the hash and the long-document guarantee would often pick it.
  std::vector<int> lengths = {120000};
  lengths.insert(lengths.end(), 40, 6000);
  for (int i = 0; i < 60; ++i) {
    const TokenShard shard = MakeShard("domain" + std::to_string(i), lengths);
    const std::vector<bool> held_out = HeldOutDocuments(shard);
    EXPECT_FALSE(held_out[0]) << shard.domain;
    EXPECT_GE(CountHeldOut(held_out), kHeldOutLongDocuments) << shard.domain;
  }
}

TEST(HeldOutDocuments, RejectsAShardWithoutNames) {
  TokenShard shard = MakeShard("books", {5, 5});
  shard.doc_names.pop_back();
  EXPECT_THROW(HeldOutDocuments(shard), std::invalid_argument);
}

TEST(TrainingDocuments, DropsExactlyTheHeldOutDocuments) {
  const TokenShard shard = MakeShard("short_manuals", std::vector<int>(500, 7));
  const std::vector<bool> held_out = HeldOutDocuments(shard);
  const TokenShard training = TrainingDocuments(shard);
  EXPECT_EQ(training.domain, shard.domain);
  std::vector<std::string> expected_names;
  for (int64_t d = 0; d < shard.num_documents(); ++d) {
    if (!held_out[d]) expected_names.push_back(shard.doc_names[d]);
  }
  EXPECT_EQ(training.doc_names, expected_names);
  ASSERT_EQ(training.num_documents(),
            static_cast<int64_t>(expected_names.size()));
  for (int64_t d = 0; d < training.num_documents(); ++d) {
    EXPECT_EQ(training.document_length(d), 7);
    EXPECT_EQ(shard.doc_names[training.tokens[training.doc_offsets[d]]],
              training.doc_names[d]);
  }
}

TEST(TrainingDocuments, RejectsChatShards) {
  TokenShard shard = MakeShard("sft", {4, 4});
  shard.loss_mask.assign(shard.tokens.size(), 1);
  EXPECT_THROW(TrainingDocuments(shard), std::invalid_argument);
}

TEST(Mixture, NeverPacksAHeldOutDocument) {
  std::map<std::string, TokenShard> shards;
  // 60 documents for the 64-token chunks (too short for a 256-token
  // sequence, which takes only the 40 long ones).
  std::vector<int> long_lengths(60, 200);
  long_lengths.insert(long_lengths.end(), 40, 5000);
  shards["books"] = MakeShard("books", long_lengths);
  std::vector<int> short_lengths;
  for (int d = 0; d < 400; ++d) short_lengths.push_back(3 + d % 17);
  shards["short_web"] = MakeShard("short_web", short_lengths);

  config::MixtureConfig config;
  config.set_seq_len(256);
  config.set_num_sequences(400);
  config.set_seed(9);
  for (const auto& [name, role, chunk_len] :
       std::vector<std::tuple<std::string, config::DataRole, int>>{
           {"books", config::LONG, 0},
           {"books", config::LONG, 64},
           {"short_web", config::SHORT, 0}}) {
    auto* domain = config.add_domains();
    domain->set_domain(name);
    domain->set_proportion(1.0 / 3);
    domain->set_role(role);
    domain->set_chunk_len(chunk_len);
  }
  const Mixture mixture = BuildMixture(config, shards, kSpecial);
  ASSERT_EQ(mixture.rows.size(), 400u);

  std::map<int, std::set<int32_t>> seen;  // domain index -> documents
  for (const auto& row : mixture.rows) {
    for (const int32_t token : row.tokens) {
      if (token != kSpecial.bos && token != kSpecial.eos) {
        seen[row.domain].insert(token);
      }
    }
  }
  for (int i = 0; i < config.domains_size(); ++i) {
    const TokenShard& shard = shards[config.domains(i).domain()];
    const std::vector<bool> held_out = HeldOutDocuments(shard);
    ASSERT_GT(CountHeldOut(held_out), 0);
    EXPECT_EQ(mixture.accounts[i].held_out_documents, CountHeldOut(held_out));
    for (const int32_t d : seen[i]) {
      EXPECT_FALSE(held_out[d])
          << config.domains(i).domain() << " document " << d << " was packed";
    }
  }
  // The training documents are used: short data cycles through all of them.
  EXPECT_EQ(static_cast<int64_t>(seen[2].size()),
            shards["short_web"].num_documents() -
                CountHeldOut(HeldOutDocuments(shards["short_web"])));
}

}  // namespace
}  // namespace prolong::data
