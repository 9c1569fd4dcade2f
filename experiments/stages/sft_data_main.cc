// Builds short instruction (SFT) data from a corpus: conversations in the
// chat template, tokenized, with the loss mask on assistant tokens, written
// as a chat token shard (one document per conversation).
//
//   sft_data_main --corpus=corpus.h5 --builder=python_docstrings
//       --domain=sft_docstrings --tokenizer=tokenizer.json --out=shard.h5
#include <gflags/gflags.h>

#include <cstdio>

#include "data/corpus/document.h"
#include "data/sft/chat_template.h"
#include "data/sft/python_docstrings.h"
#include "data/sft/reference_conversations.h"
#include "data/shards/token_shard.h"
#include "data/tokenizer/bpe_tokenizer.h"
#include "experiments/stages/stage_main.h"

DEFINE_string(corpus, "", "Corpus file (HDF5).");
DEFINE_string(builder, "python_docstrings",
              "How conversations are made from the corpus.");
DEFINE_string(domain, "", "Domain name of the instruction data.");
DEFINE_string(tokenizer, "", "tokenizer.json.");
DEFINE_string(out, "", "Output chat token shard (HDF5).");

namespace prolong::stages {
namespace {

void BuildSftData() {
  RequireFlag("corpus", FLAGS_corpus);
  RequireFlag("domain", FLAGS_domain);
  RequireFlag("tokenizer", FLAGS_tokenizer);
  RequireFlag("out", FLAGS_out);
  const data::Corpus corpus = data::ReadCorpus(FLAGS_corpus);
  std::vector<data::Conversation> conversations;
  if (FLAGS_builder == "python_docstrings") {
    conversations = data::DocstringConversations(corpus);
  } else if (FLAGS_builder == "definitions") {
    conversations = data::DefinitionConversations(corpus);
  } else if (FLAGS_builder == "faq") {
    conversations = data::FaqConversations(corpus);
  } else {
    throw std::invalid_argument(
        "unknown --builder " + FLAGS_builder +
        " (known: python_docstrings, definitions, faq)");
  }
  if (conversations.empty()) {
    throw std::runtime_error(FLAGS_corpus +
                             ": no conversations could be built");
  }
  const auto tokenizer = data::BpeTokenizer::Load(FLAGS_tokenizer);
  data::TokenShard shard;
  shard.domain = FLAGS_domain;
  shard.tokenizer_fingerprint = data::TokenizerFingerprint(FLAGS_tokenizer);
  int64_t targets = 0;
  for (size_t i = 0; i < conversations.size(); ++i) {
    const data::TokenizedChat chat =
        data::EncodeChat(conversations[i], tokenizer);
    shard.tokens.insert(shard.tokens.end(), chat.tokens.begin(),
                        chat.tokens.end());
    shard.loss_mask.insert(shard.loss_mask.end(), chat.loss_mask.begin(),
                           chat.loss_mask.end());
    for (uint8_t m : chat.loss_mask) targets += m;
    shard.doc_offsets.push_back(static_cast<int64_t>(shard.tokens.size()));
    shard.doc_names.push_back(FLAGS_builder + "/" + std::to_string(i));
  }
  shard.manifest = "name: \"" + FLAGS_domain + "\"\nreader: \"" +
                   FLAGS_builder +
                   "\"\ndocuments: " + std::to_string(conversations.size()) +
                   "\ntokens: " + std::to_string(shard.tokens.size()) + "\n";
  data::WriteTokenShard(shard, FLAGS_out);
  std::fprintf(stderr,
               "[sft data %s] %zu conversations, %zu tokens, %lld assistant "
               "tokens (%.0f%%)\n",
               FLAGS_domain.c_str(), conversations.size(), shard.tokens.size(),
               static_cast<long long>(targets),
               100.0 * targets / std::max<size_t>(1, shard.tokens.size()));
}

}  // namespace
}  // namespace prolong::stages

int main(int argc, char** argv) {
  return prolong::stages::RunStage(argc, argv, "Builds SFT data.",
                                   prolong::stages::BuildSftData);
}
