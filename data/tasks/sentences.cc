#include "data/tasks/sentences.h"

#include <cctype>
#include <sstream>

namespace prolong::data {
namespace {

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)); }

bool IsCloser(char c) { return c == '"' || c == '\'' || c == ')' || c == ']'; }

void AddTrimmed(std::string_view text, std::vector<std::string>* out) {
  size_t begin = 0, end = text.size();
  while (begin < end && IsSpace(text[begin])) ++begin;
  while (end > begin && IsSpace(text[end - 1])) --end;
  if (end > begin) out->emplace_back(text.substr(begin, end - begin));
}

}  // namespace

std::vector<std::string> SplitSentences(std::string_view text) {
  std::vector<std::string> sentences;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '.' && c != '!' && c != '?') continue;
    size_t end = i + 1;
    while (end < text.size() && IsCloser(text[end])) ++end;
    if (end < text.size() && !IsSpace(text[end])) continue;
    AddTrimmed(text.substr(start, end - start), &sentences);
    start = end;
    i = end - 1;
  }
  AddTrimmed(text.substr(start), &sentences);
  return sentences;
}

std::vector<std::string> SplitWords(std::string_view text) {
  std::istringstream stream{std::string(text)};
  std::vector<std::string> words;
  std::string word;
  while (stream >> word) words.push_back(word);
  return words;
}

std::string JoinWords(const std::vector<std::string>& words, size_t begin,
                      size_t end) {
  std::string out;
  for (size_t i = begin; i < end; ++i) {
    if (i > begin) out += ' ';
    out += words[i];
  }
  return out;
}

}  // namespace prolong::data
