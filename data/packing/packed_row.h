// One training sequence of exactly `seq_len` tokens, with the boundaries of
// the documents (segments) packed into it.
#ifndef PROLONG_DATA_PACKING_PACKED_ROW_H_
#define PROLONG_DATA_PACKING_PACKED_ROW_H_

#include <cstdint>
#include <vector>

namespace prolong::data {

struct PackedRow {
  std::vector<int32_t> tokens;      // (L)
  std::vector<int32_t> doc_starts;  // (D + 1): 0 < ... < L, cu_seqlens style
  int32_t domain = 0;               // index into the mixture's domain list
  // (L) for chat (SFT) rows: 1 where a token is a target; empty otherwise.
  std::vector<uint8_t> loss_mask;
};

}  // namespace prolong::data

#endif  // PROLONG_DATA_PACKING_PACKED_ROW_H_
