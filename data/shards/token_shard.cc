#include "data/shards/token_shard.h"

#include <cstdio>
#include <stdexcept>

#include "data/io/atomic_file.h"
#include "data/io/checksum.h"
#include "data/io/hdf5_file.h"

namespace prolong::data {

TokenShard SelectDocuments(const TokenShard& shard,
                           const std::vector<bool>& keep) {
  if (!shard.loss_mask.empty()) {
    throw std::invalid_argument("domain \"" + shard.domain +
                                "\" is a chat shard; documents of it are not "
                                "selected");
  }
  if (static_cast<int64_t>(keep.size()) != shard.num_documents()) {
    throw std::invalid_argument(
        "SelectDocuments: " + std::to_string(keep.size()) + " flags for " +
        std::to_string(shard.num_documents()) + " documents of \"" +
        shard.domain + "\"");
  }
  TokenShard selected;
  selected.domain = shard.domain;
  selected.tokenizer_fingerprint = shard.tokenizer_fingerprint;
  selected.manifest = shard.manifest;
  for (int64_t d = 0; d < shard.num_documents(); ++d) {
    if (!keep[d]) continue;
    selected.tokens.insert(selected.tokens.end(),
                           shard.tokens.begin() + shard.doc_offsets[d],
                           shard.tokens.begin() + shard.doc_offsets[d + 1]);
    selected.doc_offsets.push_back(
        static_cast<int64_t>(selected.tokens.size()));
    selected.doc_names.push_back(shard.doc_names[d]);
  }
  return selected;
}

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
