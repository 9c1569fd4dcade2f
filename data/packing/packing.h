// ProLong's two ways of turning documents into fixed-length sequences
// (paper A.2; datatools pack.py). Every document is wrapped as
// BOS + tokens + EOS first.
//
//  - Long data: documents shorter than the sequence length are dropped; the
//    rest are cut into consecutive single-document chunks of exactly the
//    sequence length, and a leftover shorter than that is dropped.
//  - Short data: documents in random order are concatenated and cut every
//    `seq_len` tokens; a document cut at the end of one sequence continues
//    at the start of the next (as its own segment).
#ifndef PROLONG_DATA_PACKING_PACKING_H_
#define PROLONG_DATA_PACKING_PACKING_H_

#include <cstdint>
#include <vector>

#include "data/packing/packed_row.h"
#include "data/shards/token_shard.h"

namespace prolong::data {

struct SpecialTokens {
  int32_t bos;
  int32_t eos;
};

// All single-document chunks of `seq_len` tokens, in document order.
std::vector<PackedRow> LongChunks(const TokenShard& shard, int seq_len,
                                  SpecialTokens special);

// Rows of `seq_len` tokens made of seq_len / chunk_len consecutive chunks
// from LongChunks(shard, chunk_len), each chunk its own document (the
// paper's stage 2 packs 64K documents 8 to a 512K row). Chunks are drawn
// in a random order from `seed`; a final incomplete row is dropped.
std::vector<PackedRow> PackLongChunks(const TokenShard& shard, int seq_len,
                                      int chunk_len, uint64_t seed,
                                      SpecialTokens special);

// `num_rows` packed rows; documents are drawn in a random order (a fresh
// permutation each pass over the shard) from `seed`.
std::vector<PackedRow> PackShort(const TokenShard& shard, int seq_len,
                                 int64_t num_rows, uint64_t seed,
                                 SpecialTokens special);

// SFT: whole conversations (chat shard documents, already formatted, with
// their loss mask) in random order, concatenated until the next one would
// not fit; that truncated conversation is dropped (the paper, A.2) and the
// rest of the row is a padding segment of EOS tokens that is never a
// target. Conversations longer than `seq_len` are skipped.
std::vector<PackedRow> PackConversations(const TokenShard& shard, int seq_len,
                                         int64_t num_rows, uint64_t seed,
                                         SpecialTokens special);

}  // namespace prolong::data

#endif  // PROLONG_DATA_PACKING_PACKING_H_
