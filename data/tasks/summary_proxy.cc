#include "data/tasks/summary_proxy.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "data/tasks/document_prefix.h"
#include "data/tasks/fit.h"

namespace prolong::data {
namespace {

std::string Trim(const std::string& text) {
  size_t begin = 0, end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) {
    ++begin;
  }
  while (end > begin &&
         std::isspace(static_cast<unsigned char>(text[end - 1]))) {
    --end;
  }
  return text.substr(begin, end - begin);
}

std::string SummaryPrompt(const std::string& body) {
  return "You are given a document, and you are tasked to summarize it. "
         "Write a concise summary of one paragraph.\n\nDocument:\n" +
         body + "\n\nNow please summarize the document.\n\nSummary:";
}

}  // namespace

bool SplitLead(const std::string& document, std::string* lead,
               std::string* body) {
  // Find a newline followed by only spaces/tabs and another newline.
  for (size_t i = document.find('\n'); i != std::string::npos;
       i = document.find('\n', i + 1)) {
    size_t j = i + 1;
    while (j < document.size() &&
           (document[j] == ' ' || document[j] == '\t' || document[j] == '\r')) {
      ++j;
    }
    if (j < document.size() && document[j] == '\n') {
      *lead = Trim(document.substr(0, i));
      *body = Trim(document.substr(j + 1));
      return !lead->empty() && !body->empty();
    }
  }
  return false;
}

std::vector<EvalSample> GenerateSummaryProxy(
    const SummaryProxyOptions& options,
    const std::vector<std::string>& documents,
    const TokenCounter& count_tokens) {
  const int budget = options.target_tokens - options.generation_tokens;
  std::vector<EvalSample> samples;
  for (const std::string& document : documents) {
    std::string lead, body;
    if (!SplitLead(document, &lead, &body)) continue;
    const DocumentPrefix doc(body);
    auto fits = [&](int n) {
      return count_tokens(SummaryPrompt(doc.Prefix(n))) <= budget;
    };
    const int empty = count_tokens(SummaryPrompt(doc.Prefix(0)));
    const int probe = std::min(200, doc.words());
    const double per_word =
        std::max(1, count_tokens(SummaryPrompt(doc.Prefix(probe))) - empty) /
        static_cast<double>(std::max(1, probe));
    const int n = LargestFitting(
        0, doc.words(), static_cast<int>((budget - empty) / per_word), fits);
    if (n < 0) {
      throw std::runtime_error("summary proxy: the prompt does not fit in " +
                               std::to_string(options.target_tokens) +
                               " tokens");
    }
    EvalSample sample;
    sample.prompt = SummaryPrompt(doc.Prefix(n));
    sample.answers = {lead};
    samples.push_back(std::move(sample));
  }
  if (samples.empty()) {
    throw std::invalid_argument(
        "summary proxy: no document has a lead paragraph and a body");
  }
  return samples;
}

}  // namespace prolong::data
