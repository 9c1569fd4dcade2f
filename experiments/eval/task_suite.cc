#include "experiments/eval/task_suite.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "data/rng.h"
#include "data/tasks/document_prefix.h"
#include "data/tasks/icl.h"
#include "data/tasks/icl_datasets.h"
#include "data/tasks/json_kv.h"
#include "data/tasks/niah_multikey.h"
#include "data/tasks/niah_multivalue.h"
#include "data/tasks/qa_books.h"
#include "data/tasks/qa_proxy.h"
#include "data/tasks/rag.h"
#include "data/tasks/rag_questions.h"
#include "data/tasks/rerank.h"
#include "data/tasks/rerank_queries.h"
#include "data/tasks/summary_documents.h"
#include "data/tasks/summary_proxy.h"

namespace prolong::eval {
namespace {

constexpr int kHelmetRagDemoPassages = 3;
constexpr int kHelmetRerankDemoPassages = 10;
constexpr int kHelmetShortestLength = 8192;

const std::vector<data::Document>& Material(const config::TaskConfig& task,
                                            const Materials& materials) {
  const auto found = materials.find(task.material());
  if (found == materials.end()) {
    throw std::runtime_error("task " + config::TaskKind_Name(task.kind()) +
                             " needs material \"" + task.material() +
                             "\", which was not given (--materials)");
  }
  return found->second.documents;
}

// The documents as a reader sees them (POD rendered), one after another.
std::string ConcatenatedText(const std::vector<data::Document>& documents) {
  std::string text;
  for (const std::string& document : data::PlainTextBooks(documents, 0)) {
    text += document;
    text += "\n";
  }
  return text;
}

// The seed of what the suite draws itself (document orders, re-rank
// material), derived from the task's so that its random streams never
// coincide with the generators' (which use the task's seed directly).
uint64_t MaterialSeed(uint64_t seed) { return data::Mix64(seed); }

// 0..n-1 in a random order drawn from MaterialSeed(seed).
std::vector<int> SeededOrder(int n, uint64_t seed) {
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  data::Rng(MaterialSeed(seed), 0).Shuffle(&order);
  return order;
}

// HELMET keeps only NarrativeQA and Multi-LexSum documents longer than its
// prompts; here a sample counts when its document was cut to fit. A word
// is at most ~4 tokens, so shorter documents are not tried.
int MinDocumentWords(int length) { return length / 4; }

bool DocumentWasCut(const data::EvalSample& sample) {
  return sample.prompt.find(data::kOmissionPostfix) != std::string::npos;
}

std::vector<data::EvalSample> QaProxySamples(
    const config::TaskConfig& task, int length, uint64_t seed,
    const data::TokenCounter& count_tokens,
    const std::vector<data::Document>& documents) {
  const std::vector<std::string> books =
      data::PlainTextBooks(documents, MinDocumentWords(length));
  std::vector<data::EvalSample> samples;
  for (const int book : SeededOrder(static_cast<int>(books.size()), seed)) {
    const int wanted = std::min(
        kQaQuestionsPerBook, task.samples() - static_cast<int>(samples.size()));
    if (wanted <= 0) break;
    for (auto& question :
         data::GenerateQaProxy({length, task.max_new_tokens(), wanted},
                               books[book], count_tokens)) {
      if (DocumentWasCut(question)) samples.push_back(std::move(question));
    }
  }
  if (samples.empty()) {
    throw std::runtime_error("qa_proxy: no book in material \"" +
                             task.material() + "\" is longer than " +
                             std::to_string(length) + " tokens");
  }
  return samples;
}

std::vector<data::EvalSample> SummaryProxySamples(
    const config::TaskConfig& task, int length, uint64_t seed,
    const data::TokenCounter& count_tokens,
    const std::vector<data::Document>& documents) {
  const std::vector<std::string> candidates =
      data::SummaryDocuments(documents, MinDocumentWords(length));
  std::vector<data::EvalSample> samples;
  for (const int i : SeededOrder(static_cast<int>(candidates.size()), seed)) {
    if (static_cast<int>(samples.size()) == task.samples()) break;
    for (auto& sample : data::GenerateSummaryProxy(
             {length, task.max_new_tokens()}, {candidates[i]}, count_tokens)) {
      if (DocumentWasCut(sample)) samples.push_back(std::move(sample));
    }
  }
  if (samples.empty()) {
    throw std::runtime_error(
        "summ_proxy: no document with a NAME line in material \"" +
        task.material() + "\" is longer than " + std::to_string(length) +
        " tokens");
  }
  return samples;
}

}  // namespace

TaskInfo DescribeTask(config::TaskKind kind) {
  switch (kind) {
    case config::JSON_KV:
      return {"json_kv", "Recall", false};
    case config::RULER_NIAH_MK2:
      return {"ruler_niah_mk_2", "Recall", false};
    case config::RULER_NIAH_MK3:
      return {"ruler_niah_mk_3", "Recall", false};
    case config::RULER_NIAH_MV:
      return {"ruler_niah_mv", "Recall", false};
    case config::RULER_NIAH_SINGLE:
      return {"ruler_niah_single_2", "NIAH", false};
    case config::ICL_FOLDOC:
      return {"icl_foldoc", "ICL", true};
    case config::ICL_PERL_FAQ:
      return {"icl_perl_faq", "ICL", true};
    case config::ICL_DEBIAN_SECTIONS:
      return {"icl_debian_sections", "ICL", true};
    case config::RAG_PROXY:
      return {"rag_proxy", "RAG", true};
    case config::RERANK_PROXY:
      return {"rerank_proxy", "Re-rank", true};
    case config::QA_PROXY:
      return {"qa_proxy", "QA", false};
    case config::SUMM_PROXY:
      return {"summ_proxy", "Summ", false};
    default:
      throw std::runtime_error("unsupported task kind " +
                               config::TaskKind_Name(kind));
  }
}

int ScaledDemoPassages(int helmet_passages, int length) {
  const double share =
      std::min(1.0, static_cast<double>(length) / kHelmetShortestLength);
  return std::max(1, static_cast<int>(std::lround(helmet_passages * share)));
}

std::vector<data::EvalSample> GenerateTaskSamples(
    const config::TaskConfig& task, int length, uint64_t seed,
    const data::TokenCounter& count_tokens, const Materials& materials) {
  const int generation = task.max_new_tokens();
  switch (task.kind()) {
    case config::JSON_KV:
      return data::GenerateJsonKv(
          {length, generation, task.shots(), task.samples(), seed},
          count_tokens);
    case config::RULER_NIAH_MK2:
    case config::RULER_NIAH_MK3:
      return data::GenerateNiahMultikey(
          {task.kind() == config::RULER_NIAH_MK2
               ? data::NiahMultikeyKind::kWordKeysNumberValues
               : data::NiahMultikeyKind::kUuids,
           length, generation, task.samples(), seed},
          count_tokens);
    case config::RULER_NIAH_MV:
    case config::RULER_NIAH_SINGLE:
      return data::GenerateNiahMultivalue(
          {length, generation, task.samples(), seed,
           task.kind() == config::RULER_NIAH_SINGLE ? 1 : data::kNiahValues},
          ConcatenatedText(Material(task, materials)), count_tokens);
    case config::ICL_FOLDOC:
      return data::GenerateIcl(
          {length, generation, task.samples(), seed},
          data::FoldocCategoryTexts(Material(task, materials)), count_tokens);
    case config::ICL_PERL_FAQ:
      return data::GenerateIcl(
          {length, generation, task.samples(), seed},
          data::PerlFaqSectionTexts(Material(task, materials)), count_tokens);
    case config::ICL_DEBIAN_SECTIONS:
      return data::GenerateIcl(
          {length, generation, task.samples(), seed},
          data::PackageSectionTexts(Material(task, materials)), count_tokens);
    case config::RAG_PROXY: {
      const data::RagMaterial material = data::ManPageRagMaterial(
          Material(task, materials), kProxyPassageWords);
      return data::GenerateRag(
          {length, generation, task.samples(), task.shots(),
           ScaledDemoPassages(kHelmetRagDemoPassages, length), seed},
          material.questions, material.pool, count_tokens);
    }
    case config::RERANK_PROXY:
      return data::GenerateRerank(
          {length, generation, task.samples(), task.shots(),
           ScaledDemoPassages(kHelmetRerankDemoPassages, length), seed},
          data::ManPageRerankQueries(Material(task, materials),
                                     kProxyPassageWords, MaterialSeed(seed)),
          count_tokens);
    case config::QA_PROXY:
      return QaProxySamples(task, length, seed, count_tokens,
                            Material(task, materials));
    case config::SUMM_PROXY:
      return SummaryProxySamples(task, length, seed, count_tokens,
                                 Material(task, materials));
    default:
      throw std::runtime_error("unsupported task kind " +
                               config::TaskKind_Name(task.kind()));
  }
}

}  // namespace prolong::eval
