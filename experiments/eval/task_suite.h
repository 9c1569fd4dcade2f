// The evaluation suite's tasks: for each config.proto TaskKind, HELMET's
// dataset name and category, its decoding rule, and how its samples are
// made at a given length from the corpora named by TaskConfig.material.
//
//   kind            name             category  material   stop at "\n"
//   JSON_KV         json_kv          Recall    -          no
//   RULER_NIAH_MK2  ruler_niah_mk_2  Recall    -          no
//   RULER_NIAH_MK3  ruler_niah_mk_3  Recall    -          no
//   RULER_NIAH_MV   ruler_niah_mv    Recall    prose      no
//   RULER_NIAH_SINGLE ruler_niah_single_2  NIAH  prose      no
//   ICL_FOLDOC      icl_foldoc       ICL       foldoc     yes
//   ICL_PERL_FAQ    icl_perl_faq     ICL       perl_faq   yes
//   ICL_DEBIAN_SECTIONS icl_debian_sections  ICL  package_descriptions  yes
//   RAG_PROXY       rag_proxy        RAG       man pages  yes
//   RERANK_PROXY    rerank_proxy     Re-rank   man pages  yes
//   QA_PROXY        qa_proxy         QA        books      no
//   SUMM_PROXY      summ_proxy       Summ      man pages  no
//                                              or books
// (HELMET's stop rules: its RAG, re-rank and ICL configs stop at a
// newline, the others do not.)
//
// Scaled to short prompts: RAG and re-rank passages hold at most
// kProxyPassageWords words (KILT's hold 100), and their demonstrations
// hold ScaledDemoPassages passages. QA proxy questions come
// kQaQuestionsPerBook per book, from books in a seeded order; Summ proxy
// documents come in a seeded order. Both keep only samples whose document
// was cut to fit the prompt (HELMET keeps only documents longer than its
// prompts). RULER MV's haystack is the material's documents, POD rendered
// as plain text (qa_books.h), one after another; so is the single needle's.
#ifndef PROLONG_EXPERIMENTS_EVAL_TASK_SUITE_H_
#define PROLONG_EXPERIMENTS_EVAL_TASK_SUITE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "data/tasks/eval_sample.h"
#include "experiments/config/config.pb.h"
#include "experiments/eval/materials.h"

namespace prolong::eval {

constexpr int kProxyPassageWords = 30;
constexpr int kQaQuestionsPerBook = 5;

struct TaskInfo {
  std::string name;      // HELMET's dataset name, or the proxy's
  std::string category;  // Recall, RAG, Re-rank, ICL, QA or Summ (the paper's names)
  bool stop_at_newline;  // generation ends at the first "\n"
};

// Throws std::runtime_error for TASK_KIND_UNSPECIFIED or an unknown kind.
TaskInfo DescribeTask(config::TaskKind kind);

// HELMET's demonstrations hold `helmet_passages` passages each (RAG 3,
// re-rank 10), about a fifth of its shortest prompt (8K tokens) for both
// demos; at `length` tokens they keep that share:
// max(1, round(helmet_passages * min(1, length / 8192))).
int ScaledDemoPassages(int helmet_passages, int length);

// The task's samples at `length` tokens (prompt + generation budget).
// `count_tokens` counts a prompt as the model will see it. Throws
// std::runtime_error when the task needs a material that is not given.
std::vector<data::EvalSample> GenerateTaskSamples(
    const config::TaskConfig& task, int length, uint64_t seed,
    const data::TokenCounter& count_tokens, const Materials& materials);

}  // namespace prolong::eval

#endif  // PROLONG_EXPERIMENTS_EVAL_TASK_SUITE_H_
