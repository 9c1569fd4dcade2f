#include "data/sft/cloze_line.h"

namespace prolong::data {
namespace {

constexpr size_t kMinLineBytes = 40;
constexpr size_t kMaxLineBytes = 200;
constexpr int kMinWords = 5;
constexpr size_t kMinAnswerBytes = 5;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
         c == '\f';
}

bool StartsIdentifier(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool ContinuesIdentifier(char c) {
  return StartsIdentifier(c) || (c >= '0' && c <= '9') ||
         static_cast<unsigned char>(c) >= 0x80;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace

std::optional<ClozeLine> MakeClozeLine(std::string_view raw_line) {
  const std::string_view line = Trim(raw_line);
  if (line.size() < kMinLineBytes || line.size() > kMaxLineBytes) {
    return std::nullopt;
  }
  if (line.rfind("# File: ", 0) == 0) return std::nullopt;
  int words = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    if (!IsSpace(line[i]) && (i == 0 || IsSpace(line[i - 1]))) ++words;
  }
  if (words < kMinWords) return std::nullopt;

  size_t first_word_end = 0;
  while (first_word_end < line.size() && !IsSpace(line[first_word_end])) {
    ++first_word_end;
  }
  size_t best_begin = 0, best_size = 0;
  for (size_t i = first_word_end; i < line.size();) {
    const bool starts = StartsIdentifier(line[i]) &&
                        (i == 0 || !ContinuesIdentifier(line[i - 1]));
    if (!starts) {
      ++i;
      continue;
    }
    size_t end = i + 1;
    while (end < line.size() && ContinuesIdentifier(line[end])) ++end;
    bool ascii = true;
    for (size_t j = i; j < end; ++j) {
      ascii &= static_cast<unsigned char>(line[j]) < 0x80;
    }
    if (ascii && end - i >= kMinAnswerBytes && end - i > best_size) {
      best_begin = i;
      best_size = end - i;
    }
    i = end;
  }
  if (best_size == 0) return std::nullopt;
  ClozeLine cloze;
  cloze.line = std::string(line);
  cloze.answer = std::string(line.substr(best_begin, best_size));
  cloze.blanked = cloze.line;
  cloze.blanked.replace(best_begin, best_size, kClozeBlank);
  return cloze;
}

}  // namespace prolong::data
