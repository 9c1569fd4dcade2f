// Builds instruction (SFT) data from corpora: conversations in the chat
// template, tokenized, with the loss mask on assistant tokens, written as a
// chat token shard (one document per conversation).
//
//   sft_data_main --corpora=a.h5[,b.h5] --builder=python_docstrings
//       --domain=sft_docstrings --tokenizer=tokenizer.json --out=shard.h5
//
// The short-data builders (python_docstrings, definitions, faq) make their
// conversations from each corpus in turn. synthetic_long makes
// --conversations long ones from the documents of all corpora (A16's
// 40% QA / 30% RAG / 30% summarisation proxy), each at most --max_tokens
// tokens in the chat template, deterministically from --seed.
#include <gflags/gflags.h>

#include <array>
#include <cstdio>

#include "data/corpus/document.h"
#include "data/sft/chat_template.h"
#include "data/sft/python_docstrings.h"
#include "data/sft/reference_conversations.h"
#include "data/sft/synthetic_long.h"
#include "data/shards/token_shard.h"
#include "data/tokenizer/bpe_tokenizer.h"
#include "experiments/stages/stage_main.h"

DEFINE_string(corpora, "", "Comma-separated corpus files (HDF5).");
DEFINE_string(builder, "python_docstrings",
              "How conversations are made from the corpora.");
DEFINE_string(domain, "", "Domain name of the instruction data.");
DEFINE_string(tokenizer, "", "tokenizer.json.");
DEFINE_string(out, "", "Output chat token shard (HDF5).");
DEFINE_int32(conversations, 0, "synthetic_long: how many conversations.");
DEFINE_int32(max_tokens, 0,
             "synthetic_long: tokens per conversation at most (the SFT "
             "sequence length).");
DEFINE_uint64(seed, 42, "synthetic_long: the seed.");
DEFINE_int32(threads, 1, "synthetic_long: threads.");

namespace prolong::stages {
namespace {

// The short-data builder's conversations from one corpus.
std::vector<data::Conversation> ShortConversations(const data::Corpus& corpus) {
  if (FLAGS_builder == "python_docstrings") {
    return data::DocstringConversations(corpus);
  } else if (FLAGS_builder == "definitions") {
    return data::DefinitionConversations(corpus);
  } else if (FLAGS_builder == "faq") {
    return data::FaqConversations(corpus);
  }
  throw std::invalid_argument(
      "unknown --builder " + FLAGS_builder +
      " (known: python_docstrings, definitions, faq, synthetic_long)");
}

std::vector<data::Conversation> SyntheticConversations(
    const std::vector<data::Corpus>& corpora,
    const data::BpeTokenizer& tokenizer) {
  std::vector<data::Document> documents;
  for (const data::Corpus& corpus : corpora) {
    documents.insert(documents.end(), corpus.documents.begin(),
                     corpus.documents.end());
  }
  data::SyntheticLongOptions options;
  options.num_conversations = FLAGS_conversations;
  options.max_tokens = FLAGS_max_tokens;
  options.seed = FLAGS_seed;
  options.threads = FLAGS_threads;
  const auto count_tokens = [&](const data::Conversation& conversation) {
    return static_cast<int>(
        data::EncodeChat(conversation, tokenizer).tokens.size());
  };
  std::vector<data::Conversation> conversations;
  std::array<int64_t, 3> context_bytes{};
  for (auto& made :
       data::SyntheticLongConversations(documents, options, count_tokens)) {
    context_bytes[static_cast<int>(made.kind)] += made.context.size();
    conversations.push_back(std::move(made.conversation));
  }
  const std::array<int, 3> counts =
      data::SyntheticKindCounts(FLAGS_conversations);
  const char* names[] = {"QA", "RAG", "summarisation"};
  for (int kind = 0; kind < 3; ++kind) {
    std::fprintf(stderr,
                 "[sft data %s] %s: %d conversations, %.0f context bytes "
                 "each\n",
                 FLAGS_domain.c_str(), names[kind], counts[kind],
                 counts[kind]
                     ? static_cast<double>(context_bytes[kind]) / counts[kind]
                     : 0.0);
  }
  return conversations;
}

void BuildSftData() {
  RequireFlag("corpora", FLAGS_corpora);
  RequireFlag("domain", FLAGS_domain);
  RequireFlag("tokenizer", FLAGS_tokenizer);
  RequireFlag("out", FLAGS_out);
  std::vector<data::Corpus> corpora;
  for (const std::string& path : SplitList(FLAGS_corpora)) {
    corpora.push_back(data::ReadCorpus(path));
  }
  const auto tokenizer = data::BpeTokenizer::Load(FLAGS_tokenizer);
  std::vector<data::Conversation> conversations;
  if (FLAGS_builder == "synthetic_long") {
    conversations = SyntheticConversations(corpora, tokenizer);
  } else {
    for (const data::Corpus& corpus : corpora) {
      for (auto& conversation : ShortConversations(corpus)) {
        conversations.push_back(std::move(conversation));
      }
    }
  }
  if (conversations.empty()) {
    throw std::runtime_error(FLAGS_corpora +
                             ": no conversations could be built");
  }
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
