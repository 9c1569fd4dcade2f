#include "data/shards/token_shard.h"

#include <cstdio>
#include <stdexcept>

#include "data/io/atomic_file.h"
#include "data/io/checksum.h"
#include "data/io/hdf5_file.h"

namespace prolong::data {

std::string TokenizerFingerprint(const std::string& tokenizer_json_path) {
  const std::string json = io::ReadFile(tokenizer_json_path);
  char hex[17];
  std::snprintf(
      hex, sizeof(hex), "%016llx",
      static_cast<unsigned long long>(io::Fnv1a64(json.data(), json.size())));
  return hex;
}

void WriteTokenShard(const TokenShard& shard, const std::string& path) {
  io::H5Writer writer(path);
  writer.Write("tokens", shard.tokens);
  writer.Write("doc_offsets", shard.doc_offsets);
  writer.WriteStrings("doc_names", shard.doc_names);
  writer.WriteText("domain", shard.domain);
  writer.WriteText("tokenizer_fingerprint", shard.tokenizer_fingerprint);
  writer.WriteText("manifest", shard.manifest);
  if (!shard.loss_mask.empty()) writer.Write("loss_mask", shard.loss_mask);
  writer.Commit();
}

TokenShard ReadTokenShard(const std::string& path) {
  io::H5Reader reader(path);
  TokenShard shard;
  shard.tokens = reader.Read<int32_t>("tokens");
  shard.doc_offsets = reader.Read<int64_t>("doc_offsets");
  shard.doc_names = reader.ReadStrings("doc_names");
  shard.domain = reader.ReadText("domain");
  shard.tokenizer_fingerprint = reader.ReadText("tokenizer_fingerprint");
  shard.manifest = reader.ReadText("manifest");
  if (reader.Has("loss_mask")) {
    shard.loss_mask = reader.Read<uint8_t>("loss_mask");
    if (shard.loss_mask.size() != shard.tokens.size()) {
      throw std::runtime_error(path +
                               ": loss_mask and tokens differ in length");
    }
  }
  const auto& offsets = shard.doc_offsets;
  if (offsets.empty() || offsets.front() != 0 ||
      offsets.back() != static_cast<int64_t>(shard.tokens.size()) ||
      shard.doc_names.size() + 1 != offsets.size()) {
    throw std::runtime_error(path +
                             ": doc_offsets do not match tokens and doc_names");
  }
  for (size_t i = 1; i < offsets.size(); ++i) {
    if (offsets[i] < offsets[i - 1]) {
      throw std::runtime_error(path + ": doc_offsets decrease at document " +
                               std::to_string(i - 1));
    }
  }
  return shard;
}

}  // namespace prolong::data
