// ROUGE-L F1, used to score the summarisation proxy.
//
// Tokenisation: NormalizeAnswer (lower-case, ASCII punctuation removed, the
// articles a/an/the removed), then split at whitespace. This differs from
// the rouge_score package HELMET calls (which keeps articles, treats every
// non-alphanumeric character as a separator and applies a Porter stemmer);
// it is the same tokenisation as HELMET's token F1 and EM.
#ifndef PROLONG_EXPERIMENTS_EVAL_ROUGE_H_
#define PROLONG_EXPERIMENTS_EVAL_ROUGE_H_

#include <string>
#include <string_view>
#include <vector>

namespace prolong::eval {

// F1 of LCS-based precision (LCS / prediction tokens) and recall (LCS /
// reference tokens); 0 when either side has no tokens or the LCS is empty.
double RougeLF1(std::string_view prediction, std::string_view reference);

// The max of RougeLF1 over the references (HELMET's max over answers).
double RougeLF1(std::string_view prediction,
                const std::vector<std::string>& references);

}  // namespace prolong::eval

#endif  // PROLONG_EXPERIMENTS_EVAL_ROUGE_H_
