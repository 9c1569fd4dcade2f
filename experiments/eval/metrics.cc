#include "experiments/eval/metrics.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace prolong::eval {
namespace {

bool IsArticle(const std::string& word) {
  return word == "a" || word == "an" || word == "the";
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Python's str.strip() for ASCII whitespace.
std::string_view Strip(std::string_view text) {
  constexpr std::string_view kSpace = " \t\n\r\v\f";
  const size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(kSpace) - begin + 1);
}

bool StartsWithIgnoringCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         Lower(text.substr(0, prefix.size())) == Lower(prefix);
}

}  // namespace

std::string NormalizeAnswer(std::string_view text) {
  // Python's order: white_space_fix(remove_articles(remove_punc(lower(s)))).
  std::string no_punctuation;
  for (const unsigned char c : Lower(text)) {
    if (std::ispunct(c) == 0) no_punctuation += static_cast<char>(c);
  }
  // remove_articles: re.sub(r"\b(a|an|the)\b", " ", text); then split() and
  // " ".join() collapse whitespace. Word boundaries after punctuation removal
  // fall at whitespace (letters/digits/_ are word characters), so splitting
  // on whitespace and dropping article words is equivalent for ASCII.
  std::istringstream words(no_punctuation);
  std::string word, out;
  while (words >> word) {
    if (IsArticle(word)) continue;
    if (!out.empty()) out += ' ';
    out += word;
  }
  return out;
}

std::string ParseOutput(std::string_view output, std::string_view prefix) {
  // Pattern 1: (?:prefix)(.*)(?:\n|$), IGNORECASE, first match. Pattern 2
  // (the fallback): (?:^)(.*)(?:\n|$), i.e. the first line.
  const size_t at = Lower(output).find(Lower(prefix));
  const size_t begin = at == std::string::npos ? 0 : at + prefix.size();
  const size_t end = output.find('\n', begin);
  std::string_view line = Strip(output.substr(
      begin,
      end == std::string_view::npos ? std::string_view::npos : end - begin));
  if (StartsWithIgnoringCase(line, prefix)) line.remove_prefix(prefix.size());
  return std::string(Strip(line));
}

double ExactMatch(std::string_view prediction,
                  const std::vector<std::string>& golds) {
  const std::string normalized = NormalizeAnswer(prediction);
  for (const auto& gold : golds) {
    if (normalized == NormalizeAnswer(gold)) return 1.0;
  }
  return 0.0;
}

double SubstringExactMatch(std::string_view prediction,
                           const std::vector<std::string>& golds) {
  const std::string normalized = NormalizeAnswer(prediction);
  for (const auto& gold : golds) {
    if (normalized.find(NormalizeAnswer(gold)) != std::string::npos) return 1.0;
  }
  return 0.0;
}

double DefaultSubEm(std::string_view prediction,
                    const std::vector<std::string>& golds) {
  return std::max(
      SubstringExactMatch(prediction, golds),
      SubstringExactMatch(ParseOutput(prediction, "Answer:"), golds));
}

double JsonKvScore(std::string_view prediction,
                   const std::vector<std::string>& golds) {
  return std::max(SubstringExactMatch(prediction, golds),
                  SubstringExactMatch(
                      ParseOutput(prediction, "corresponding value:"), golds));
}

std::string ParseIclLabel(std::string_view output) {
  return ParseOutput(output, "label:");
}

double IclScore(std::string_view prediction,
                const std::vector<std::string>& golds) {
  return ExactMatch(ParseIclLabel(prediction), golds);
}

double RulerRecall(std::string_view prediction,
                   const std::vector<std::string>& golds) {
  if (golds.empty()) return 0.0;
  const std::string lower = Lower(prediction);
  int found = 0;
  for (const auto& gold : golds) {
    found += lower.find(Lower(gold)) != std::string::npos;
  }
  return static_cast<double>(found) / golds.size();
}

}  // namespace prolong::eval
