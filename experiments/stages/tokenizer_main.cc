// Trains a byte-level BPE tokenizer on one or more corpora.
//
//   tokenizer_main --corpora=a.h5,b.h5 --config=tokenizer.textproto
//       --out=tokenizer.json
#include <gflags/gflags.h>

#include <cstdio>
#include <string_view>

#include "data/corpus/document.h"
#include "data/tokenizer/bpe_tokenizer.h"
#include "experiments/config/config_io.h"
#include "experiments/stages/stage_main.h"

DEFINE_string(corpora, "", "Comma-separated corpus files (HDF5).");
DEFINE_string(config, "", "TokenizerConfig (text format).");
DEFINE_string(out, "", "Output tokenizer.json (Hugging Face format).");

namespace prolong::stages {
namespace {

void TrainTokenizer() {
  RequireFlag("corpora", FLAGS_corpora);
  RequireFlag("config", FLAGS_config);
  RequireFlag("out", FLAGS_out);
  const auto config = config::LoadConfig<config::TokenizerConfig>(FLAGS_config);
  std::vector<data::Corpus> corpora;
  for (const auto& path : SplitList(FLAGS_corpora)) {
    corpora.push_back(data::ReadCorpus(path));
  }
  // Training text: documents in order, up to max_training_bytes overall.
  std::vector<std::string_view> texts;
  int64_t bytes = 0;
  for (const auto& corpus : corpora) {
    for (const auto& document : corpus.documents) {
      if (config.max_training_bytes() > 0 &&
          bytes >= config.max_training_bytes()) {
        break;
      }
      std::string_view text = document.text;
      if (config.max_training_bytes() > 0) {
        text = text.substr(0, config.max_training_bytes() - bytes);
      }
      texts.push_back(text);
      bytes += static_cast<int64_t>(text.size());
    }
  }
  const auto tokenizer =
      data::BpeTokenizer::Train(texts, config.vocab_size(), config.threads());
  tokenizer.Save(FLAGS_out);
  std::fprintf(stderr, "[tokenizer] trained on %lld bytes -> %d tokens\n",
               static_cast<long long>(bytes), tokenizer.vocab_size());
}

}  // namespace
}  // namespace prolong::stages

int main(int argc, char** argv) {
  return prolong::stages::RunStage(argc, argv, "Trains a BPE tokenizer.",
                                   prolong::stages::TrainTokenizer);
}
