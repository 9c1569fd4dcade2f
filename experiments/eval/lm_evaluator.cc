#include "experiments/eval/lm_evaluator.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "data/corpus/document.h"
#include "data/packing/held_out.h"
#include "data/rng.h"
#include "data/tasks/multiple_choice.h"
#include "experiments/eval/multiple_choice.h"
#include "experiments/eval/perplexity.h"

namespace prolong::eval {
namespace {

// The measures, so that each draws its own documents and samples.
enum Measure : uint64_t {
  kLongPerplexity = 1,
  kShortPerplexity = 2,
  kContinuation = 3,
  kDefinition = 4,
};

// The seed of one measure on the domain at `position` in its list.
uint64_t MeasureSeed(uint64_t seed, Measure measure, int position) {
  return data::Mix64(seed ^ data::Mix64(measure * 1000003ULL + position));
}

const data::TokenShard& ShardOf(const Shards& shards,
                                const std::string& domain) {
  const auto found = shards.find(domain);
  if (found == shards.end()) {
    throw std::runtime_error("no token shard for domain \"" + domain +
                             "\" (--shards)");
  }
  return found->second;
}

// The held-out documents of `shard` in a random order from `seed`.
std::vector<int64_t> ShuffledHeldOut(const data::TokenShard& shard,
                                     uint64_t seed) {
  const std::vector<bool> held_out = data::HeldOutDocuments(shard);
  std::vector<int64_t> documents;
  for (int64_t d = 0; d < shard.num_documents(); ++d) {
    if (held_out[d]) documents.push_back(d);
  }
  data::Rng(seed, /*stream=*/0).Shuffle(&documents);
  return documents;
}

double PooledPerplexity(const std::vector<DocumentLoss>& losses) {
  double nll = 0.0;
  int64_t targets = 0;
  for (const DocumentLoss& loss : losses) {
    nll += loss.nll_sum;
    targets += loss.targets;
  }
  return std::exp(nll / static_cast<double>(targets));
}

// category: "Perplexity" for long documents (the paper's Figure 1
// measure), "Short perplexity" for the short-mix domains.
TaskResult PerplexityResult(const std::string& domain, int length,
                            const std::string& category,
                            const data::TokenShard& shard,
                            const std::vector<DocumentLoss>& losses) {
  TaskResult result;
  result.task = "ppl_" + domain;
  result.category = category;
  result.length = length;
  for (const DocumentLoss& loss : losses) {
    result.prompt_tokens.push_back(loss.fed_tokens);
    result.depth_index.push_back(static_cast<int32_t>(loss.document));
    result.scores.push_back(loss.Perplexity());
    result.predictions.push_back("");
    result.answers.push_back(shard.doc_names[loss.document]);
  }
  return result;
}

void LongPerplexity(const config::LmEvalConfig& config, model::Llama& model,
                    int32_t bos, const Shards& shards, EvalResults* results) {
  for (int i = 0; i < config.long_domains_size(); ++i) {
    const std::string& domain = config.long_domains(i);
    const data::TokenShard& shard = ShardOf(shards, domain);
    const std::vector<int64_t> held_out =
        ShuffledHeldOut(shard, MeasureSeed(config.seed(), kLongPerplexity, i));
    for (const int length : config.lengths()) {
      std::vector<int64_t> documents;
      for (const int64_t d : held_out) {
        if (ReachesTwiceLength(shard, d, length)) documents.push_back(d);
      }
      if (documents.empty()) {
        throw std::runtime_error(
            "perplexity of \"" + domain +
            "\" at L = " + std::to_string(length) + ": none of its " +
            std::to_string(held_out.size()) +
            " held-out documents reaches 2L = " + std::to_string(2 * length) +
            " tokens");
      }
      const size_t available = documents.size();
      if (documents.size() > static_cast<size_t>(config.long_documents())) {
        documents.resize(config.long_documents());
      }
      std::vector<DocumentLoss> losses;
      for (const int64_t d : documents) {
        losses.push_back(LongDocumentLoss(model, shard, d, length, bos));
      }
      std::fprintf(stderr,
                   "[lm_eval] ppl_%s at L = %d: %zu of %zu held-out documents "
                   "of >= %d tokens (%zu held out), perplexity %.3f\n",
                   domain.c_str(), length, losses.size(), available, 2 * length,
                   held_out.size(), PooledPerplexity(losses));
      results->tasks.push_back(
          PerplexityResult(domain, length, "Perplexity", shard, losses));
    }
  }
}

void ShortPerplexity(const config::LmEvalConfig& config, model::Llama& model,
                     int32_t bos, const Shards& shards, EvalResults* results) {
  for (int i = 0; i < config.short_domains_size(); ++i) {
    const std::string& domain = config.short_domains(i);
    const data::TokenShard& shard = ShardOf(shards, domain);
    std::vector<DocumentLoss> losses;
    for (const int64_t d : ShuffledHeldOut(
             shard, MeasureSeed(config.seed(), kShortPerplexity, i))) {
      if (static_cast<int>(losses.size()) == config.short_documents()) break;
      if (shard.document_length(d) == 0) continue;
      losses.push_back(
          ShortDocumentLoss(model, shard, d, config.short_length(), bos));
    }
    if (losses.empty()) {
      throw std::runtime_error("short perplexity of \"" + domain +
                               "\": no non-empty held-out document");
    }
    std::fprintf(stderr,
                 "[lm_eval] ppl_%s at %d tokens: %zu held-out documents, "
                 "perplexity %.3f\n",
                 domain.c_str(), config.short_length(), losses.size(),
                 PooledPerplexity(losses));
    results->tasks.push_back(PerplexityResult(
        domain, config.short_length(), "Short perplexity", shard, losses));
  }
}

// The held-out documents of `shard` as text.
std::vector<data::Document> HeldOutText(const data::TokenShard& shard,
                                        const data::BpeTokenizer& tokenizer) {
  const std::vector<bool> held_out = data::HeldOutDocuments(shard);
  std::vector<data::Document> documents;
  for (int64_t d = 0; d < shard.num_documents(); ++d) {
    if (!held_out[d]) continue;
    const std::vector<int32_t> tokens(
        shard.tokens.begin() + shard.doc_offsets[d],
        shard.tokens.begin() + shard.doc_offsets[d + 1]);
    documents.push_back({shard.doc_names[d], tokenizer.Decode(tokens)});
  }
  return documents;
}

// Appends "<task>" (acc) and "<task>_norm" (acc_norm) for `samples`.
void ScoreMultipleChoice(const std::string& task,
                         const std::vector<data::MultipleChoiceSample>& samples,
                         const config::LmEvalConfig& config,
                         model::Llama& model,
                         const data::BpeTokenizer& tokenizer,
                         EvalResults* results) {
  TaskResult acc, acc_norm;
  acc.task = task;
  acc_norm.task = task + "_norm";
  // "Short" holds the length-normalised accuracy (acc_norm, as
  // lm-evaluation-harness reports HellaSwag), one number per task; the
  // plain accuracy is kept beside it.
  acc.category = "Short acc";
  acc_norm.category = "Short";
  for (TaskResult* result : {&acc, &acc_norm}) {
    result->length = config.short_length();
  }
  const Encoder encode = [&](const std::string& text) {
    return tokenizer.Encode(text);
  };
  const LogLikelihood log_likelihood = ModelLogLikelihood(model);
  for (const data::MultipleChoiceSample& sample : samples) {
    const ChoiceVerdict verdict =
        ScoreChoices(sample, encode, tokenizer.bos_id(), config.short_length(),
                     log_likelihood);
    for (auto [result, chosen] : {std::pair{&acc, verdict.chosen},
                                  std::pair{&acc_norm, verdict.chosen_norm}}) {
      result->prompt_tokens.push_back(verdict.context_tokens);
      result->depth_index.push_back(sample.gold);
      result->scores.push_back(chosen == sample.gold ? 1.0 : 0.0);
      result->predictions.push_back(sample.choices[chosen]);
      result->answers.push_back(sample.choices[sample.gold]);
    }
  }
  std::fprintf(stderr,
               "[lm_eval] %s: %zu samples, acc %.1f, acc_norm %.1f "
               "(chance 25.0)\n",
               task.c_str(), samples.size(), acc.MeanScore(),
               acc_norm.MeanScore());
  results->tasks.push_back(std::move(acc));
  results->tasks.push_back(std::move(acc_norm));
}

void ContinuationTask(const config::LmEvalConfig& config, model::Llama& model,
                      const data::BpeTokenizer& tokenizer, const Shards& shards,
                      EvalResults* results) {
  const int domains = config.continuation_domains_size();
  if (domains == 0) return;
  std::vector<data::MultipleChoiceSample> samples;
  for (int i = 0; i < domains; ++i) {
    const std::string& domain = config.continuation_domains(i);
    // An even split of the samples, the remainder to the first domains.
    const int wanted = config.choice_samples() / domains +
                       (i < config.choice_samples() % domains);
    const auto drawn = data::ContinuationChoices(
        HeldOutText(ShardOf(shards, domain), tokenizer), wanted,
        MeasureSeed(config.seed(), kContinuation, i));
    std::fprintf(stderr, "[lm_eval] mc_continuation: %zu samples from %s\n",
                 drawn.size(), domain.c_str());
    samples.insert(samples.end(), drawn.begin(), drawn.end());
  }
  if (samples.empty()) {
    throw std::runtime_error(
        "mc_continuation: the held-out documents give no sample");
  }
  ScoreMultipleChoice("mc_continuation", samples, config, model, tokenizer,
                      results);
}

void DefinitionTask(const config::LmEvalConfig& config, model::Llama& model,
                    const data::BpeTokenizer& tokenizer, const Shards& shards,
                    EvalResults* results) {
  if (config.definition_domain().empty()) return;
  const auto samples = data::DefinitionChoices(
      HeldOutText(ShardOf(shards, config.definition_domain()), tokenizer),
      config.choice_samples(), MeasureSeed(config.seed(), kDefinition, 0));
  ScoreMultipleChoice("mc_definition", samples, config, model, tokenizer,
                      results);
}

}  // namespace

EvalResults EvaluateLanguageModel(const config::LmEvalConfig& config,
                                  model::Llama& model,
                                  const data::BpeTokenizer& tokenizer,
                                  const Shards& shards) {
  EvalResults results;
  const int32_t bos = tokenizer.bos_id();
  LongPerplexity(config, model, bos, shards, &results);
  ShortPerplexity(config, model, bos, shards, &results);
  ContinuationTask(config, model, tokenizer, shards, &results);
  DefinitionTask(config, model, tokenizer, shards, &results);
  return results;
}

}  // namespace prolong::eval
