#include "data/packing/packing.h"

#include <numeric>
#include <stdexcept>

#include "data/rng.h"

namespace prolong::data {
namespace {

std::vector<int32_t> Wrapped(const TokenShard& shard, int64_t d,
                             SpecialTokens special) {
  std::vector<int32_t> tokens;
  tokens.reserve(shard.document_length(d) + 2);
  tokens.push_back(special.bos);
  tokens.insert(tokens.end(), shard.tokens.begin() + shard.doc_offsets[d],
                shard.tokens.begin() + shard.doc_offsets[d + 1]);
  tokens.push_back(special.eos);
  return tokens;
}

}  // namespace

std::vector<PackedRow> LongChunks(const TokenShard& shard, int seq_len,
                                  SpecialTokens special) {
  std::vector<PackedRow> rows;
  for (int64_t d = 0; d < shard.num_documents(); ++d) {
    if (shard.document_length(d) + 2 < seq_len) continue;
    const std::vector<int32_t> tokens = Wrapped(shard, d, special);
    for (size_t start = 0; start + seq_len <= tokens.size(); start += seq_len) {
      PackedRow row;
      row.tokens.assign(tokens.begin() + start,
                        tokens.begin() + start + seq_len);
      row.doc_starts = {0, seq_len};
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

std::vector<PackedRow> PackLongChunks(const TokenShard& shard, int seq_len,
                                      int chunk_len, uint64_t seed,
                                      SpecialTokens special) {
  std::vector<PackedRow> chunks = LongChunks(shard, chunk_len, special);
  Rng(seed, 0).Shuffle(&chunks);
  const size_t per_row = static_cast<size_t>(seq_len / chunk_len);
  std::vector<PackedRow> rows;
  for (size_t start = 0; start + per_row <= chunks.size(); start += per_row) {
    PackedRow row;
    row.doc_starts = {0};
    for (size_t k = start; k < start + per_row; ++k) {
      row.tokens.insert(row.tokens.end(), chunks[k].tokens.begin(),
                        chunks[k].tokens.end());
      row.doc_starts.push_back(static_cast<int32_t>(row.tokens.size()));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<PackedRow> PackConversations(const TokenShard& shard, int seq_len,
                                         int64_t num_rows, uint64_t seed,
                                         SpecialTokens special) {
  if (shard.loss_mask.size() != shard.tokens.size()) {
    throw std::runtime_error("domain \"" + shard.domain +
                             "\" is not a chat shard (no loss_mask)");
  }
  std::vector<int64_t> order;
  for (int64_t d = 0; d < shard.num_documents(); ++d) {
    const int64_t length = shard.document_length(d);
    if (length > 0 && length <= seq_len) order.push_back(d);
  }
  if (order.empty() && num_rows > 0) {
    throw std::runtime_error("domain \"" + shard.domain +
                             "\" has no conversation of at most " +
                             std::to_string(seq_len) + " tokens");
  }
  std::vector<PackedRow> rows;
  PackedRow row;
  auto finish_row = [&] {
    if (static_cast<int>(row.tokens.size()) < seq_len) {
      row.tokens.resize(seq_len, special.eos);
      row.loss_mask.resize(seq_len, 0);
      row.doc_starts.push_back(seq_len);
    }
    rows.push_back(std::move(row));
    row = PackedRow();
    row.doc_starts = {0};
  };
  row.doc_starts = {0};
  for (uint64_t pass = 0; static_cast<int64_t>(rows.size()) < num_rows;
       ++pass) {
    std::vector<int64_t> shuffled = order;
    Rng(seed, pass).Shuffle(&shuffled);
    for (const int64_t d : shuffled) {
      const int64_t length = shard.document_length(d);
      if (static_cast<int64_t>(row.tokens.size()) + length > seq_len) {
        finish_row();  // this conversation would be cut: dropped
        if (static_cast<int64_t>(rows.size()) == num_rows) return rows;
        continue;
      }
      const int64_t begin = shard.doc_offsets[d];
      row.tokens.insert(row.tokens.end(), shard.tokens.begin() + begin,
                        shard.tokens.begin() + begin + length);
      row.loss_mask.insert(row.loss_mask.end(), shard.loss_mask.begin() + begin,
                           shard.loss_mask.begin() + begin + length);
      row.doc_starts.push_back(static_cast<int32_t>(row.tokens.size()));
    }
  }
  return rows;
}

std::vector<PackedRow> PackShort(const TokenShard& shard, int seq_len,
                                 int64_t num_rows, uint64_t seed,
                                 SpecialTokens special) {
  if (num_rows == 0) return {};
  if (shard.tokens.empty() && shard.num_documents() == 0) {
    throw std::runtime_error("cannot pack short data for domain \"" +
                             shard.domain + "\": the shard has no documents");
  }
  std::vector<PackedRow> rows;
  PackedRow row;
  row.doc_starts = {0};
  std::vector<int64_t> order(shard.num_documents());
  for (uint64_t pass = 0; static_cast<int64_t>(rows.size()) < num_rows;
       ++pass) {
    std::iota(order.begin(), order.end(), 0);
    Rng(seed, pass).Shuffle(&order);
    for (const int64_t d : order) {
      const std::vector<int32_t> tokens = Wrapped(shard, d, special);
      size_t taken = 0;
      while (taken < tokens.size()) {
        const size_t room = seq_len - row.tokens.size();
        const size_t take = std::min(room, tokens.size() - taken);
        row.tokens.insert(row.tokens.end(), tokens.begin() + taken,
                          tokens.begin() + taken + take);
        row.doc_starts.push_back(static_cast<int32_t>(row.tokens.size()));
        taken += take;
        if (static_cast<int>(row.tokens.size()) == seq_len) {
          rows.push_back(std::move(row));
          if (static_cast<int64_t>(rows.size()) == num_rows) return rows;
          row = PackedRow();
          row.doc_starts = {0};
        }
      }
    }
  }
  return rows;
}

}  // namespace prolong::data
