#include "data/packing/mixture.h"

#include <google/protobuf/text_format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <stdexcept>

#include "data/io/hdf5_file.h"
#include "data/packing/held_out.h"
#include "data/rng.h"

namespace prolong::data {
namespace {

// Largest-remainder apportionment of `total` rows to `proportions`.
std::vector<int64_t> Apportion(const std::vector<double>& proportions,
                               int64_t total) {
  std::vector<int64_t> counts(proportions.size());
  std::vector<std::pair<double, size_t>> remainders;
  int64_t assigned = 0;
  for (size_t i = 0; i < proportions.size(); ++i) {
    const double exact = proportions[i] * total;
    counts[i] = static_cast<int64_t>(std::floor(exact));
    assigned += counts[i];
    remainders.push_back({-(exact - counts[i]), i});
  }
  std::sort(remainders.begin(), remainders.end());
  for (size_t k = 0; assigned < total; ++k, ++assigned) {
    ++counts[remainders[k % remainders.size()].second];
  }
  return counts;
}

// `count` rows drawn from `pool` without replacement, pass after pass.
std::vector<PackedRow> Draw(const std::vector<PackedRow>& pool, int64_t count,
                            uint64_t seed) {
  std::vector<PackedRow> rows;
  std::vector<size_t> order(pool.size());
  for (uint64_t pass = 0; static_cast<int64_t>(rows.size()) < count; ++pass) {
    std::iota(order.begin(), order.end(), 0);
    Rng(seed, pass).Shuffle(&order);
    for (size_t i = 0;
         i < order.size() && static_cast<int64_t>(rows.size()) < count; ++i) {
      rows.push_back(pool[order[i]]);
    }
  }
  return rows;
}

// Whether `config` also takes `domain` as LONG documents of the full
// sequence length.
bool HasFullLengthLong(const config::MixtureConfig& config,
                       const std::string& domain) {
  for (const auto& share : config.domains()) {
    if (share.domain() == domain && share.role() == config::LONG &&
        (share.chunk_len() == 0 || share.chunk_len() == config.seq_len())) {
      return true;
    }
  }
  return false;
}

// The documents of `shard` too short for one full-length chunk (see
// LongChunks): with a full-length entry of the same domain, the shorter
// chunks come only from these, so the two never share a document (the
// paper's 64K documents in stage 2 are distinct from its 512K ones).
TokenShard ShorterThanSequence(const TokenShard& shard, int seq_len) {
  std::vector<bool> keep(shard.num_documents());
  for (int64_t d = 0; d < shard.num_documents(); ++d) {
    keep[d] = shard.document_length(d) + 2 < seq_len;
  }
  return SelectDocuments(shard, keep);
}

}  // namespace

Mixture BuildMixture(const config::MixtureConfig& config,
                     const std::map<std::string, TokenShard>& shards,
                     SpecialTokens special) {
  Mixture mixture;
  google::protobuf::TextFormat::PrintToString(config, &mixture.config);
  std::vector<double> proportions;
  for (const auto& share : config.domains()) {
    proportions.push_back(share.proportion());
  }
  const std::vector<int64_t> counts =
      Apportion(proportions, config.num_sequences());
  const int seq_len = config.seq_len();

  for (int i = 0; i < config.domains_size(); ++i) {
    const auto& share = config.domains(i);
    const auto shard = shards.find(share.domain());
    if (shard == shards.end()) {
      throw std::runtime_error("mixture domain \"" + share.domain() +
                               "\" has no token shard");
    }
    const uint64_t domain_seed = Mix64(config.seed() ^ Mix64(i + 1));
    DomainAccount account{share.domain(),
                          config::DataRole_Name(share.role()),
                          share.proportion(),
                          counts[i],
                          counts[i] * int64_t{seq_len},
                          0,
                          0,
                          0};
    std::vector<PackedRow> rows;
    if (share.role() == config::LONG) {
      TokenShard training = TrainingDocuments(shard->second);
      account.held_out_documents =
          shard->second.num_documents() - training.num_documents();
      const int chunk_len = share.chunk_len() > 0 ? share.chunk_len() : seq_len;
      if (chunk_len < seq_len && HasFullLengthLong(config, share.domain())) {
        training = ShorterThanSequence(training, seq_len);
      }
      const std::vector<PackedRow> pool =
          chunk_len == seq_len
              ? LongChunks(training, seq_len, special)
              : PackLongChunks(training, seq_len, chunk_len,
                               domain_seed ^ 0x6c6f6e67ULL, special);
      if (pool.empty() && counts[i] > 0) {
        throw std::runtime_error("mixture domain \"" + share.domain() +
                                 "\" has no document of at least " +
                                 std::to_string(chunk_len) +
                                 " tokens for LONG data");
      }
      account.distinct_rows = static_cast<int64_t>(pool.size());
      rows = Draw(pool, counts[i], domain_seed);
    } else if (share.role() == config::CHAT) {
      rows = PackConversations(shard->second, seq_len, counts[i], domain_seed,
                               special);
      account.distinct_rows =
          static_cast<int64_t>(shard->second.tokens.size() / seq_len);
    } else {
      const TokenShard training = TrainingDocuments(shard->second);
      account.held_out_documents =
          shard->second.num_documents() - training.num_documents();
      rows = PackShort(training, seq_len, counts[i], domain_seed, special);
      const int64_t total_tokens =
          static_cast<int64_t>(training.tokens.size()) +
          2 * training.num_documents();
      account.distinct_rows = total_tokens / seq_len;
    }
    for (auto& row : rows) {
      row.domain = i;
      account.documents += static_cast<int64_t>(row.doc_starts.size()) - 1;
      mixture.rows.push_back(std::move(row));
    }
    mixture.accounts.push_back(account);
  }
  Rng(config.seed(), /*stream=*/0x6d6978).Shuffle(&mixture.rows);
  return mixture;
}

void WriteMixture(const Mixture& mixture, const std::string& path) {
  const uint64_t n = mixture.rows.size();
  const uint64_t seq_len = n > 0 ? mixture.rows[0].tokens.size() : 0;
  std::vector<int32_t> tokens;
  std::vector<int32_t> doc_starts;
  std::vector<int64_t> row_doc_offsets = {0};
  std::vector<int32_t> row_domain;
  std::vector<uint8_t> loss_mask;
  bool masked = false;
  for (const auto& row : mixture.rows) masked |= !row.loss_mask.empty();
  tokens.reserve(n * seq_len);
  for (const auto& row : mixture.rows) {
    tokens.insert(tokens.end(), row.tokens.begin(), row.tokens.end());
    doc_starts.insert(doc_starts.end(), row.doc_starts.begin(),
                      row.doc_starts.end());
    row_doc_offsets.push_back(static_cast<int64_t>(doc_starts.size()));
    row_domain.push_back(row.domain);
    if (masked) {
      if (row.loss_mask.empty()) {
        loss_mask.insert(loss_mask.end(), row.tokens.size(), 1);
      } else {
        loss_mask.insert(loss_mask.end(), row.loss_mask.begin(),
                         row.loss_mask.end());
      }
    }
  }
  std::vector<std::string> domains, roles;
  std::vector<double> targets;
  std::vector<int64_t> rows, token_counts, distinct, documents, held_out;
  for (const auto& a : mixture.accounts) {
    domains.push_back(a.domain);
    roles.push_back(a.role);
    targets.push_back(a.target_proportion);
    rows.push_back(a.rows);
    token_counts.push_back(a.tokens);
    distinct.push_back(a.distinct_rows);
    documents.push_back(a.documents);
    held_out.push_back(a.held_out_documents);
  }
  io::H5Writer writer(path);
  writer.Write("tokens", tokens, {n, seq_len});
  writer.Write("doc_starts", doc_starts);
  writer.Write("row_doc_offsets", row_doc_offsets);
  writer.Write("row_domain", row_domain);
  if (masked) writer.Write("loss_mask", loss_mask, {n, seq_len});
  writer.WriteStrings("accounting/domain", domains);
  writer.WriteStrings("accounting/role", roles);
  writer.Write("accounting/target_proportion", targets);
  writer.Write("accounting/rows", rows);
  writer.Write("accounting/tokens", token_counts);
  writer.Write("accounting/distinct_rows", distinct);
  writer.Write("accounting/documents", documents);
  writer.Write("accounting/held_out_documents", held_out);
  writer.WriteText("config", mixture.config);
  writer.Commit();
}

Mixture ReadMixture(const std::string& path) {
  io::H5Reader reader(path);
  io::Shape shape;
  const auto tokens = reader.Read<int32_t>("tokens", &shape);
  const auto doc_starts = reader.Read<int32_t>("doc_starts");
  const auto row_doc_offsets = reader.Read<int64_t>("row_doc_offsets");
  const auto row_domain = reader.Read<int32_t>("row_domain");
  if (shape.size() != 2 || row_doc_offsets.size() != shape[0] + 1 ||
      row_domain.size() != shape[0] ||
      row_doc_offsets.back() != static_cast<int64_t>(doc_starts.size())) {
    throw std::runtime_error(path + ": inconsistent mixture arrays");
  }
  std::vector<uint8_t> loss_mask;
  if (reader.Has("loss_mask")) {
    loss_mask = reader.Read<uint8_t>("loss_mask");
    if (loss_mask.size() != tokens.size()) {
      throw std::runtime_error(path + ": loss_mask does not match tokens");
    }
  }
  Mixture mixture;
  const int64_t seq_len = static_cast<int64_t>(shape[1]);
  for (uint64_t r = 0; r < shape[0]; ++r) {
    PackedRow row;
    row.tokens.assign(tokens.begin() + r * seq_len,
                      tokens.begin() + (r + 1) * seq_len);
    row.doc_starts.assign(doc_starts.begin() + row_doc_offsets[r],
                          doc_starts.begin() + row_doc_offsets[r + 1]);
    if (row.doc_starts.size() < 2 || row.doc_starts.front() != 0 ||
        row.doc_starts.back() != seq_len ||
        !std::is_sorted(row.doc_starts.begin(), row.doc_starts.end())) {
      throw std::runtime_error(path + ": bad document boundaries in row " +
                               std::to_string(r));
    }
    row.domain = row_domain[r];
    if (!loss_mask.empty()) {
      row.loss_mask.assign(loss_mask.begin() + r * seq_len,
                           loss_mask.begin() + (r + 1) * seq_len);
    }
    mixture.rows.push_back(std::move(row));
  }
  const auto domains = reader.ReadStrings("accounting/domain");
  const auto roles = reader.ReadStrings("accounting/role");
  const auto targets = reader.Read<double>("accounting/target_proportion");
  const auto rows = reader.Read<int64_t>("accounting/rows");
  const auto token_counts = reader.Read<int64_t>("accounting/tokens");
  const auto distinct = reader.Read<int64_t>("accounting/distinct_rows");
  const auto documents = reader.Read<int64_t>("accounting/documents");
  const auto held_out = reader.Read<int64_t>("accounting/held_out_documents");
  for (size_t i = 0; i < domains.size(); ++i) {
    mixture.accounts.push_back({domains[i], roles[i], targets[i], rows[i],
                                token_counts[i], distinct[i], documents[i],
                                held_out[i]});
  }
  mixture.config = reader.ReadText("config");
  return mixture;
}

std::string AccountingTable(const Mixture& mixture) {
  int64_t total = 0;
  for (const auto& a : mixture.accounts) total += a.tokens;
  std::string out =
      "domain            role   target  actual     rows      tokens  "
      "distinct  repeated  held out\n";
  char line[256];
  for (const auto& a : mixture.accounts) {
    std::snprintf(line, sizeof(line),
                  "%-16s  %-5s  %6.3f  %6.3f  %7lld  %10lld  %8lld  %8s  "
                  "%8lld\n",
                  a.domain.c_str(), a.role.c_str(), a.target_proportion,
                  total > 0 ? static_cast<double>(a.tokens) / total : 0.0,
                  static_cast<long long>(a.rows),
                  static_cast<long long>(a.tokens),
                  static_cast<long long>(a.distinct_rows),
                  a.rows > a.distinct_rows ? "yes" : "no",
                  static_cast<long long>(a.held_out_documents));
    out += line;
  }
  return out;
}

}  // namespace prolong::data
