// Reads arbitrary bytes as a token shard (an HDF5 file); when that succeeds,
// checks the invariants ReadTokenShard promises.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>

#include "data/shards/token_shard.h"
#include "tests/fuzz/temp_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // HDF5 is slow on large inputs; valid shards of a few tokens fit in 8 KiB.
  if (size > 8 * 1024) return -1;
  prolong::data::TokenShard shard;
  try {
    const prolong::fuzz::TempFile file(data, size);
    shard = prolong::data::ReadTokenShard(file.path());
  } catch (const std::runtime_error&) {
    return 0;
  }
  for (int64_t d = 0; d < shard.num_documents(); ++d) {
    if (shard.document_length(d) < 0) std::abort();
  }
  if (shard.doc_offsets.back() != static_cast<int64_t>(shard.tokens.size())) {
    std::abort();
  }
  return 0;
}
