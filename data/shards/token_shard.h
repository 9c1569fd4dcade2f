// Token shards: a tokenized corpus, one domain per shard, with document
// boundaries. Stored as HDF5: "tokens" (int32), "doc_offsets" (D + 1,
// int64), "doc_names", "domain", "tokenizer_fingerprint" and the corpus
// manifest with its token count filled in. Every array is checksummed.
// Text tokens carry no BOS/EOS: packing adds them per document. Chat shards
// (SFT) hold whole formatted conversations and a "loss_mask".
#ifndef PROLONG_DATA_SHARDS_TOKEN_SHARD_H_
#define PROLONG_DATA_SHARDS_TOKEN_SHARD_H_

#include <cstdint>
#include <string>
#include <vector>

namespace prolong::data {

struct TokenShard {
  std::string domain;
  std::vector<int32_t> tokens;
  std::vector<int64_t> doc_offsets = {0};
  std::vector<std::string> doc_names;
  std::string tokenizer_fingerprint;
  std::string manifest;  // text-format CorpusManifest
  // Chat shards only: 1 where a token is a target (assistant replies);
  // empty for plain text, where every token is.
  std::vector<uint8_t> loss_mask;

  int64_t num_documents() const {
    return static_cast<int64_t>(doc_offsets.size()) - 1;
  }
  int64_t document_length(int64_t d) const {
    return doc_offsets[d + 1] - doc_offsets[d];
  }
};

// The documents d of a plain-text shard where keep[d] (keep: D), in order,
// with the shard's domain, tokenizer fingerprint and manifest. Throws
// std::invalid_argument for a chat shard (its loss mask is not carried) or
// a `keep` of the wrong size.
TokenShard SelectDocuments(const TokenShard& shard,
                           const std::vector<bool>& keep);

// The fingerprint shards record of the tokenizer that made them: FNV-1a 64
// of its tokenizer.json, in hex.
std::string TokenizerFingerprint(const std::string& tokenizer_json_path);

void WriteTokenShard(const TokenShard& shard, const std::string& path);
// Checks offsets against the tokens; errors name the file.
TokenShard ReadTokenShard(const std::string& path);

}  // namespace prolong::data

#endif  // PROLONG_DATA_SHARDS_TOKEN_SHARD_H_
