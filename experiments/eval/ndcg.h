// HELMET's re-ranking metric: parse_rankings (HELMET utils.py) and
// pytrec_eval's ndcg_cut (trec_eval m_ndcg_cut.c), reimplemented exactly.
#ifndef PROLONG_EXPERIMENTS_EVAL_NDCG_H_
#define PROLONG_EXPERIMENTS_EVAL_NDCG_H_

#include <map>
#include <string>
#include <string_view>

namespace prolong::eval {

// Document id -> retrieval score (a run) or graded relevance (qrels).
using RetrievalRun = std::map<std::string, double>;
using Qrels = std::map<std::string, int>;

// HELMET's parse_rankings: delete '[', ']' and ':', lower-case, delete every
// "id"; take the longest (first among equals) match of \d+(\s*>\s*\d+)*,
// split it at '>', and give the i-th of n ids the score n - i (an id that
// repeats keeps its first score). Without any digit, the whole preprocessed
// output becomes the single id, with score 1.
RetrievalRun ParseRankings(std::string_view output);

// trec_eval's ndcg_cut.k for one query: documents are ranked by score
// descending, ties broken by document id descending (strcmp order); gain is
// the graded relevance (ids missing from `qrels` gain 0), discounted by
// log2(rank + 1); the ideal ranking sorts all judged gains. 0 when no
// judged document has positive relevance.
double NdcgAtK(const RetrievalRun& run, const Qrels& qrels, int k);

// HELMET's re-rank score: NdcgAtK(ParseRankings(output), qrels, 10).
double RerankNdcg10(std::string_view output, const Qrels& qrels);

}  // namespace prolong::eval

#endif  // PROLONG_EXPERIMENTS_EVAL_NDCG_H_
