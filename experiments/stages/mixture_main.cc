// Packs token shards into a training mixture with exact domain proportions.
//
//   mixture_main --config=mixture.textproto --shards=a.h5,b.h5
//       --tokenizer=tokenizer.json --out=mixture.h5
#include <gflags/gflags.h>

#include <cstdio>
#include <map>

#include "data/packing/mixture.h"
#include "data/shards/token_shard.h"
#include "data/tokenizer/bpe_tokenizer.h"
#include "experiments/config/config_io.h"
#include "experiments/stages/stage_main.h"

DEFINE_string(config, "", "MixtureConfig (text format).");
DEFINE_string(shards, "", "Comma-separated token shards (HDF5).");
DEFINE_string(tokenizer, "", "tokenizer.json (for BOS and EOS).");
DEFINE_string(out, "", "Output mixture (HDF5).");

namespace prolong::stages {
namespace {

void BuildMixture() {
  RequireFlag("config", FLAGS_config);
  RequireFlag("shards", FLAGS_shards);
  RequireFlag("tokenizer", FLAGS_tokenizer);
  RequireFlag("out", FLAGS_out);
  const auto config = config::LoadConfig<config::MixtureConfig>(FLAGS_config);
  std::map<std::string, data::TokenShard> shards;
  for (const auto& path : SplitList(FLAGS_shards)) {
    data::TokenShard shard = data::ReadTokenShard(path);
    const std::string domain = shard.domain;
    if (!shards.emplace(domain, std::move(shard)).second) {
      throw std::runtime_error(path + ": a second shard for domain \"" +
                               domain + "\"");
    }
  }
  for (int i = 0; i < config.domains_size(); ++i) {
    if (shards.count(config.domains(i).domain()) == 0) {
      throw config::ConfigError(
          FLAGS_config + ": field domains[" + std::to_string(i) +
          "].domain: unknown domain \"" + config.domains(i).domain() +
          "\" (no shard provides it)");
    }
  }
  const auto tokenizer = data::BpeTokenizer::Load(FLAGS_tokenizer);
  const data::Mixture mixture = data::BuildMixture(
      config, shards, {tokenizer.bos_id(), tokenizer.eos_id()});
  data::WriteMixture(mixture, FLAGS_out);
  std::fprintf(stderr, "[mixture] %zu sequences of %d tokens\n%s",
               mixture.rows.size(), config.seq_len(),
               data::AccountingTable(mixture).c_str());
}

}  // namespace
}  // namespace prolong::stages

int main(int argc, char** argv) {
  return prolong::stages::RunStage(argc, argv, "Builds a training mixture.",
                                   prolong::stages::BuildMixture);
}
