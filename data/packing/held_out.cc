#include "data/packing/held_out.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

#include "data/rng.h"

namespace prolong::data {
namespace {

uint64_t DocumentKey(const std::string& domain, const std::string& name) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  const std::string key = domain + "\n" + name;
  for (const char c : key) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return Mix64(hash);
}

}  // namespace

std::vector<bool> HeldOutDocuments(const TokenShard& shard) {
  const int64_t documents = shard.num_documents();
  if (static_cast<int64_t>(shard.doc_names.size()) != documents) {
    throw std::invalid_argument("shard of domain \"" + shard.domain +
                                "\": doc_names do not match its documents");
  }
  const int64_t total_tokens = static_cast<int64_t>(shard.tokens.size());
  std::vector<uint64_t> keys(documents);
  std::vector<bool> eligible(documents);
  std::vector<bool> held_out(documents);
  for (int64_t d = 0; d < documents; ++d) {
    keys[d] = DocumentKey(shard.domain, shard.doc_names[d]);
    eligible[d] = shard.document_length(d) * 8 <= total_tokens;
    held_out[d] = eligible[d] && keys[d] % kHeldOutOneIn == 0;
  }
  std::vector<int64_t> hash_order(documents);
  std::iota(hash_order.begin(), hash_order.end(), 0);
  std::stable_sort(hash_order.begin(), hash_order.end(),
                   [&](int64_t a, int64_t b) { return keys[a] < keys[b]; });
  for (const int64_t min_tokens : kHeldOutLongTokens) {
    int64_t long_documents = 0, long_held_out = 0;
    for (int64_t d = 0; d < documents; ++d) {
      if (shard.document_length(d) < min_tokens) continue;
      ++long_documents;
      if (held_out[d]) ++long_held_out;
    }
    const int64_t wanted = std::min(kHeldOutLongDocuments, long_documents / 4);
    for (const int64_t d : hash_order) {
      if (long_held_out >= wanted) break;
      if (held_out[d] || !eligible[d] ||
          shard.document_length(d) < min_tokens) {
        continue;
      }
      held_out[d] = true;
      ++long_held_out;
    }
  }
  return held_out;
}

TokenShard TrainingDocuments(const TokenShard& shard) {
  if (!shard.loss_mask.empty()) {
    throw std::invalid_argument("domain \"" + shard.domain +
                                "\" is a chat shard, which is not split");
  }
  std::vector<bool> training = HeldOutDocuments(shard);
  training.flip();
  return SelectDocuments(shard, training);
}

}  // namespace prolong::data
