#include "experiments/eval/rouge.h"

#include <algorithm>
#include <sstream>

#include "experiments/eval/metrics.h"

namespace prolong::eval {
namespace {

std::vector<std::string> Tokens(std::string_view text) {
  std::istringstream words(NormalizeAnswer(text));
  std::vector<std::string> tokens;
  std::string word;
  while (words >> word) tokens.push_back(word);
  return tokens;
}

// Longest common subsequence length, one row of the DP table at a time.
size_t LcsLength(const std::vector<std::string>& a,
                 const std::vector<std::string>& b) {
  std::vector<size_t> previous(b.size() + 1, 0), current(b.size() + 1, 0);
  for (const auto& token : a) {
    for (size_t j = 0; j < b.size(); ++j) {
      current[j + 1] = token == b[j] ? previous[j] + 1
                                     : std::max(previous[j + 1], current[j]);
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

}  // namespace

double RougeLF1(std::string_view prediction, std::string_view reference) {
  const auto predicted = Tokens(prediction);
  const auto expected = Tokens(reference);
  const size_t lcs = LcsLength(predicted, expected);
  if (lcs == 0) return 0.0;
  const double precision = static_cast<double>(lcs) / predicted.size();
  const double recall = static_cast<double>(lcs) / expected.size();
  return 2 * precision * recall / (precision + recall);
}

double RougeLF1(std::string_view prediction,
                const std::vector<std::string>& references) {
  double best = 0.0;
  for (const auto& reference : references) {
    best = std::max(best, RougeLF1(prediction, reference));
  }
  return best;
}

}  // namespace prolong::eval
