#include "tests/data/tasks/test_text.h"

#include <sstream>

namespace prolong::data {

TokenCounter WordCounter() {
  return [](const std::string& text) {
    std::istringstream words(text);
    std::string word;
    int count = 0;
    while (words >> word) ++count;
    return count;
  };
}

TokenCounter CharCounter() {
  return [](const std::string& text) {
    return static_cast<int>((text.size() + 3) / 4);
  };
}

std::string Prose(int sentences) {
  static const char* const kFillers[] = {
      "the river ran quietly past the old mill",
      "nobody in the village remembered who built it",
      "children played along its banks every summer",
      "the miller kept careful records of each harvest"};
  std::string text;
  for (int i = 0; i < sentences; ++i) {
    text += "In year " + std::to_string(1000 + i) + " Item" +
            std::to_string(i) + " noted that " + kFillers[i % 4] + ".";
    text += (i % 5 == 4) ? "\n\n" : " ";
  }
  return text;
}

int Count(const std::string& text, const std::string& part) {
  int count = 0;
  for (size_t at = text.find(part); at != std::string::npos;
       at = text.find(part, at + 1)) {
    ++count;
  }
  return count;
}

}  // namespace prolong::data
