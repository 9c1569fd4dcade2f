// HELMET's answer metrics (HELMET utils.py and data.py post_process),
// reimplemented exactly for ASCII text.
#ifndef PROLONG_EXPERIMENTS_EVAL_METRICS_H_
#define PROLONG_EXPERIMENTS_EVAL_METRICS_H_

#include <string>
#include <string_view>
#include <vector>

namespace prolong::eval {

// SQuAD's normalize_answer: lower-case, drop ASCII punctuation, drop the
// articles "a", "an", "the" as whole words, collapse whitespace.
std::string NormalizeAnswer(std::string_view text);

// HELMET's parse_output(output, prefix): the text after the first
// case-insensitive occurrence of `prefix`, up to the end of that line; when
// `prefix` does not occur, the first line of `output`. The result is
// stripped, a repeated leading `prefix` is removed, and it is stripped again.
std::string ParseOutput(std::string_view output, std::string_view prefix);

// exact_match: 1 if the normalized prediction equals any normalized gold.
double ExactMatch(std::string_view prediction,
                  const std::vector<std::string>& golds);

// substring_exact_match: 1 if any normalized gold answer is a substring of
// the normalized prediction, else 0.
double SubstringExactMatch(std::string_view prediction,
                           const std::vector<std::string>& golds);

// default_post_process with SubEM (RAG, QA): the max of SubEM on the raw output
// and on ParseOutput(output, "Answer:").
double DefaultSubEm(std::string_view prediction,
                    const std::vector<std::string>& golds);

// JSON KV's post_process: the max of SubEM on the raw output and on
// ParseOutput(output, "corresponding value:").
double JsonKvScore(std::string_view prediction,
                   const std::vector<std::string>& golds);

// The label an ICL output gives: ParseOutput(output, "label:").
std::string ParseIclLabel(std::string_view output);

// ICL's post_process: exact_match of ParseIclLabel(output) (no max with the
// raw output).
double IclScore(std::string_view prediction,
                const std::vector<std::string>& golds);

// RULER's string_match_all (HELMET "ruler_recall"): the fraction of gold
// values that occur in the raw output, compared case-insensitively (ASCII
// lower-casing), without any other normalisation. 0 for no golds.
double RulerRecall(std::string_view prediction,
                   const std::vector<std::string>& golds);

}  // namespace prolong::eval

#endif  // PROLONG_EXPERIMENTS_EVAL_METRICS_H_
