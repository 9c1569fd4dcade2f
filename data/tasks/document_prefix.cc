#include "data/tasks/document_prefix.h"

#include <cctype>
#include <utility>

namespace prolong::data {

DocumentPrefix::DocumentPrefix(std::string text) : text_(std::move(text)) {
  auto is_space = [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
  };
  for (size_t i = 0; i < text_.size();) {
    if (is_space(text_[i])) {
      ++i;
      continue;
    }
    word_begin_.push_back(i);
    while (i < text_.size() && !is_space(text_[i])) ++i;
    word_end_.push_back(i);
  }
}

std::string DocumentPrefix::Word(int i) const {
  return text_.substr(word_begin_[i], word_end_[i] - word_begin_[i]);
}

bool DocumentPrefix::ParagraphEndsAfter(int i) const {
  int line_breaks = 0;
  for (size_t at = word_end_[i]; at < word_begin_[i + 1]; ++at) {
    line_breaks += text_[at] == '\n';
  }
  return line_breaks >= 2;
}

std::string DocumentPrefix::Prefix(int n) const {
  if (n == words()) return text_;
  return text_.substr(0, n == 0 ? 0 : word_end_[n - 1]) + kOmissionPostfix;
}

}  // namespace prolong::data
