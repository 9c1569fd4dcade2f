// Tokenizes a corpus into a token shard (tokens + document boundaries).
//
//   shards_main --corpus=corpus.h5 --tokenizer=tokenizer.json --out=shard.h5
//       --manifest=manifest.textproto
#include <gflags/gflags.h>
#include <google/protobuf/text_format.h>

#include <cstdio>

#include "data/corpus/document.h"
#include "data/io/atomic_file.h"
#include "data/shards/token_shard.h"
#include "data/tokenizer/bpe_tokenizer.h"
#include "experiments/stages/stage_main.h"

DEFINE_string(corpus, "", "Corpus file (HDF5).");
DEFINE_string(tokenizer, "", "tokenizer.json.");
DEFINE_string(out, "", "Output token shard (HDF5).");
DEFINE_string(manifest, "", "Output manifest with token counts (text format).");

namespace prolong::stages {
namespace {

void BuildShard() {
  RequireFlag("corpus", FLAGS_corpus);
  RequireFlag("tokenizer", FLAGS_tokenizer);
  RequireFlag("out", FLAGS_out);
  RequireFlag("manifest", FLAGS_manifest);
  const data::Corpus corpus = data::ReadCorpus(FLAGS_corpus);
  const auto tokenizer = data::BpeTokenizer::Load(FLAGS_tokenizer);

  data::TokenShard shard;
  shard.domain = corpus.domain;
  shard.tokenizer_fingerprint = data::TokenizerFingerprint(FLAGS_tokenizer);
  for (const auto& document : corpus.documents) {
    const auto tokens = tokenizer.Encode(document.text);
    shard.tokens.insert(shard.tokens.end(), tokens.begin(), tokens.end());
    shard.doc_offsets.push_back(static_cast<int64_t>(shard.tokens.size()));
    shard.doc_names.push_back(document.name);
  }
  data::CorpusManifest manifest = corpus.manifest;
  manifest.set_tokens(static_cast<int64_t>(shard.tokens.size()));
  google::protobuf::TextFormat::PrintToString(manifest, &shard.manifest);
  data::WriteTokenShard(shard, FLAGS_out);
  io::WriteFileAtomically(FLAGS_manifest, shard.manifest);
  std::fprintf(
      stderr, "[shards %s] %lld documents -> %lld tokens (%.2f bytes/token)\n",
      corpus.domain.c_str(), static_cast<long long>(shard.num_documents()),
      static_cast<long long>(shard.tokens.size()),
      shard.tokens.empty()
          ? 0.0
          : static_cast<double>(manifest.bytes()) / shard.tokens.size());
}

}  // namespace
}  // namespace prolong::stages

int main(int argc, char** argv) {
  return prolong::stages::RunStage(argc, argv, "Tokenizes a corpus.",
                                   prolong::stages::BuildShard);
}
