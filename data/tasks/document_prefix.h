// A long document cut after a whole number of words, the way HELMET cuts
// NarrativeQA and Multi-LexSum documents (truncate_llama2): the kept prefix
// keeps its original layout and, when words were cut, ends with
// " ... [the rest of the text is omitted]".
#ifndef PROLONG_DATA_TASKS_DOCUMENT_PREFIX_H_
#define PROLONG_DATA_TASKS_DOCUMENT_PREFIX_H_

#include <string>
#include <vector>

namespace prolong::data {

// What ends a prefix that left words out.
inline constexpr char kOmissionPostfix[] =
    " ... [the rest of the text is omitted]";

class DocumentPrefix {
 public:
  explicit DocumentPrefix(std::string text);

  int words() const { return static_cast<int>(word_begin_.size()); }
  // Word i of the document (0 <= i < words()).
  std::string Word(int i) const;
  // Whether a blank line (two line breaks) separates word i from word i + 1
  // (0 <= i < words() - 1): a paragraph ends after word i.
  bool ParagraphEndsAfter(int i) const;
  // The first n words (0 <= n <= words()), with the omission postfix when
  // n < words().
  std::string Prefix(int n) const;

 private:
  std::string text_;
  std::vector<size_t> word_begin_, word_end_;
};

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_DOCUMENT_PREFIX_H_
