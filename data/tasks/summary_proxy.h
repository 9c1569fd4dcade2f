// A summarisation proxy for Multi-LexSum / InfiniteBench Sum (whose
// GPT-4o-judged metric we cannot run). Reference summary: the document's
// own lead, i.e. its first paragraph (text up to the first blank line) —
// for Debian package descriptions the synopsis and short description, for
// documentation pages the introduction, for news-like text the lede. The
// model sees the rest of the document (HELMET-style truncated by words to
// fit the target length) and must write the lead.
//
// Prompt (Multi-LexSum's, adapted):
//   You are given a document, and you are tasked to summarize it. Write a
//   concise summary of one paragraph.\n\nDocument:\n{body}\n\nNow please
//   summarize the document.\n\nSummary:
// Metric: ROUGE-L F1 (task name "summ_proxy").
#ifndef PROLONG_DATA_TASKS_SUMMARY_PROXY_H_
#define PROLONG_DATA_TASKS_SUMMARY_PROXY_H_

#include <string>
#include <vector>

#include "data/tasks/eval_sample.h"

namespace prolong::data {

struct SummaryProxyOptions {
  int target_tokens;      // prompt + generation budget
  int generation_tokens;  // reserved for the answer
};

// Splits `document` at its first blank line (a line holding only
// whitespace) into the lead and the body; both trimmed. Returns false when
// either is empty.
bool SplitLead(const std::string& document, std::string* lead,
               std::string* body);

// One sample per document that SplitLead accepts, in order. Throws when no
// document qualifies or a prompt with an empty body does not fit.
std::vector<EvalSample> GenerateSummaryProxy(
    const SummaryProxyOptions& options,
    const std::vector<std::string>& documents,
    const TokenCounter& count_tokens);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_SUMMARY_PROXY_H_
