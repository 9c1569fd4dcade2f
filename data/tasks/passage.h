// A retrieval passage (KILT/Wikipedia style) and HELMET's way of showing it.
#ifndef PROLONG_DATA_TASKS_PASSAGE_H_
#define PROLONG_DATA_TASKS_PASSAGE_H_

#include <string>

namespace prolong::data {

struct Passage {
  std::string title;
  std::string text;
};

// HELMET's passage_template: "Document (Title: {title}): {text}".
inline std::string FormatPassage(const Passage& passage) {
  return "Document (Title: " + passage.title + "): " + passage.text;
}

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_PASSAGE_H_
