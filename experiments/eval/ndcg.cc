#include "experiments/eval/ndcg.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <functional>
#include <utility>
#include <vector>

namespace prolong::eval {
namespace {

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)); }
bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)); }

// Length of the match of \d+(?:\s*>\s*\d+)* at `begin` (0 if none).
size_t MatchLength(const std::string& text, size_t begin) {
  auto digits_end = [&](size_t i) {
    while (i < text.size() && IsDigit(text[i])) ++i;
    return i;
  };
  size_t end = digits_end(begin);
  if (end == begin) return 0;
  while (true) {
    size_t i = end;
    while (i < text.size() && IsSpace(text[i])) ++i;
    if (i == text.size() || text[i] != '>') break;
    ++i;
    while (i < text.size() && IsSpace(text[i])) ++i;
    const size_t next = digits_end(i);
    if (next == i) break;
    end = next;
  }
  return end - begin;
}

}  // namespace

RetrievalRun ParseRankings(std::string_view output) {
  std::string text;
  for (const char c : output) {
    if (c != '[' && c != ']' && c != ':') {
      text += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  // str.replace("id", ""): non-overlapping, left to right, in one pass.
  std::string cleaned;
  for (size_t i = 0; i < text.size();) {
    if (text.compare(i, 2, "id") == 0) {
      i += 2;
    } else {
      cleaned += text[i++];
    }
  }
  // re.finditer scans left to right; each match starts at the first digit
  // after the previous match, and strictly longer matches replace the best.
  size_t best_begin = 0, best_length = 0;
  for (size_t i = 0; i < cleaned.size();) {
    const size_t length = MatchLength(cleaned, i);
    if (length == 0) {
      ++i;
      continue;
    }
    if (length > best_length) {
      best_begin = i;
      best_length = length;
    }
    i += length;
  }
  std::vector<std::string> ranking;
  if (best_length == 0) {
    ranking.push_back(cleaned);
  } else {
    const std::string longest = cleaned.substr(best_begin, best_length);
    for (size_t i = 0; i < longest.size();) {
      if (!IsDigit(longest[i])) {
        ++i;
        continue;
      }
      size_t end = i;
      while (end < longest.size() && IsDigit(longest[end])) ++end;
      ranking.push_back(longest.substr(i, end - i));
      i = end;
    }
  }
  RetrievalRun run;
  for (size_t i = 0; i < ranking.size(); ++i) {
    run.emplace(ranking[i], static_cast<double>(ranking.size() - i));
  }
  return run;
}

double NdcgAtK(const RetrievalRun& run, const Qrels& qrels, int k) {
  std::vector<std::pair<std::string, double>> ranked(run.begin(), run.end());
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    if (a.second != b.second) return a.second > b.second;
    return std::strcmp(a.first.c_str(), b.first.c_str()) > 0;
  });
  double dcg = 0.0;
  for (int i = 0; i < k && i < static_cast<int>(ranked.size()); ++i) {
    const auto judged = qrels.find(ranked[i].first);
    const int gain = judged == qrels.end() ? 0 : judged->second;
    if (gain != 0) dcg += gain / std::log2(i + 2.0);
  }
  std::vector<int> gains;
  for (const auto& [id, relevance] : qrels) {
    if (relevance > 0) gains.push_back(relevance);
  }
  std::sort(gains.begin(), gains.end(), std::greater<int>());
  double ideal = 0.0;
  for (int i = 0; i < k && i < static_cast<int>(gains.size()); ++i) {
    ideal += gains[i] / std::log2(i + 2.0);
  }
  return ideal > 0.0 ? dcg / ideal : 0.0;
}

double RerankNdcg10(std::string_view output, const Qrels& qrels) {
  return NdcgAtK(ParseRankings(output), qrels, 10);
}

}  // namespace prolong::eval
