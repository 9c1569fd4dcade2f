// A training mixture: `num_sequences` rows of `seq_len` tokens whose
// domains follow the configured token proportions exactly (every row holds
// seq_len tokens, so row shares are token shares). Rows per domain are
// apportioned by largest remainder; a domain with fewer distinct rows than
// its share is repeated (with a fresh order each pass) and the repeats are
// counted. Rows of all domains are then shuffled together. Everything is a
// pure function of the config, the shards and the seed. LONG and SHORT
// domains never use their held-out documents (data/packing/held_out.h);
// CHAT domains are not split.
#ifndef PROLONG_DATA_PACKING_MIXTURE_H_
#define PROLONG_DATA_PACKING_MIXTURE_H_

#include <map>
#include <string>
#include <vector>

#include "data/packing/packed_row.h"
#include "data/packing/packing.h"
#include "data/shards/token_shard.h"
#include "experiments/config/config.pb.h"

namespace prolong::data {

struct DomainAccount {
  std::string domain;
  std::string role;  // "LONG" or "SHORT"
  double target_proportion;
  int64_t rows;
  int64_t tokens;
  int64_t distinct_rows;       // rows available before any repetition
  int64_t documents;           // segments (document pieces) in its rows
  int64_t held_out_documents;  // documents the held-out split kept out
};

struct Mixture {
  std::vector<PackedRow> rows;
  std::vector<DomainAccount> accounts;  // in config order
  std::string config;                   // text-format MixtureConfig
};

Mixture BuildMixture(const config::MixtureConfig& config,
                     const std::map<std::string, TokenShard>& shards,
                     SpecialTokens special);

// HDF5: "tokens" (N, L), "doc_starts" (flat) with "row_doc_offsets" (N + 1),
// "row_domain" (N), "loss_mask" (N, L; only when a CHAT domain is present)
// and per-domain accounting arrays (held-out document counts included).
void WriteMixture(const Mixture& mixture, const std::string& path);
Mixture ReadMixture(const std::string& path);

// "domain  role  target  actual  rows  tokens  distinct  repeated  held
// out" table for logs.
std::string AccountingTable(const Mixture& mixture);

}  // namespace prolong::data

#endif  // PROLONG_DATA_PACKING_MIXTURE_H_
