#include "data/tasks/icl_datasets.h"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <string>

#include "data/tasks/pod_text.h"
#include "data/tasks/sentences.h"

namespace prolong::data {
namespace {

bool IsMarkerChar(char c) {
  return (c >= 'a' && c <= 'z') || c == ' ' || c == ',' || c == '-';
}

// Length of the category marker "<...>" starting at `pos`, or 0.
size_t MarkerLength(const std::string& text, size_t pos) {
  if (text[pos] != '<' || pos + 1 >= text.size() || text[pos + 1] < 'a' ||
      text[pos + 1] > 'z') {
    return 0;
  }
  for (size_t i = pos + 1; i < text.size(); ++i) {
    if (text[i] == '>') return i + 1 - pos;
    if (!IsMarkerChar(text[i])) return 0;
  }
  return 0;
}

// `text` without category markers and {} braces.
std::string StripMarkup(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (const size_t marker = MarkerLength(text, i)) {
      i += marker;
    } else {
      if (text[i] != '{' && text[i] != '}') out += text[i];
      ++i;
    }
  }
  return out;
}

// The first `max_words` words of `text`, whitespace collapsed.
std::string FirstWords(const std::string& text, size_t max_words) {
  const std::vector<std::string> words = SplitWords(text);
  return JoinWords(words, 0, std::min(max_words, words.size()));
}

struct FoldocEntry {
  std::string category;
  std::string text;
};

// The entry's single category and its text; category empty when the entry
// does not qualify.
FoldocEntry ReadFoldocEntry(const std::string& document) {
  const size_t blank = document.find("\n\n");
  if (blank == std::string::npos) return {};
  const std::string headword = document.substr(0, document.find('\n'));
  std::string definition = document.substr(blank + 2);
  definition = definition.substr(0, definition.find("\n\n"));
  const size_t start = definition.find_first_not_of(" \t\n");
  if (start == std::string::npos) return {};
  const size_t marker = MarkerLength(definition, start);
  if (marker == 0) return {};
  const std::string category = definition.substr(start + 1, marker - 2);
  if (category.find(',') != std::string::npos) return {};
  const size_t after = definition.find_first_not_of(" \t\n", start + marker);
  if (after == std::string::npos || MarkerLength(definition, after) > 0) {
    return {};
  }
  const std::vector<std::string> sentences =
      SplitSentences(StripMarkup(definition.substr(after)));
  if (sentences.empty()) return {};
  return {category, FirstWords(headword + ": " + sentences[0], kIclTextWords)};
}

}  // namespace

std::vector<LabelledText> FoldocCategoryTexts(
    const std::vector<Document>& foldoc) {
  std::vector<FoldocEntry> entries;
  std::map<std::string, int> counts;
  for (const Document& document : foldoc) {
    FoldocEntry entry = ReadFoldocEntry(document.text);
    if (entry.category.empty()) continue;
    ++counts[entry.category];
    entries.push_back(std::move(entry));
  }
  std::vector<std::pair<int, std::string>> ranked;
  for (const auto& [category, count] : counts)
    ranked.push_back({-count, category});
  std::sort(ranked.begin(), ranked.end());
  if (ranked.size() < 2) {
    throw std::invalid_argument(
        "FOLDOC categories: fewer than 2 categories (not a FOLDOC corpus?)");
  }
  std::set<std::string> kept;
  for (size_t i = 0; i < ranked.size() && i < kFoldocCategories; ++i) {
    kept.insert(ranked[i].second);
  }
  std::vector<LabelledText> texts;
  for (FoldocEntry& entry : entries) {
    if (kept.count(entry.category) > 0) {
      texts.push_back({std::move(entry.text), std::move(entry.category)});
    }
  }
  return texts;
}

std::vector<LabelledText> PerlFaqSectionTexts(
    const std::vector<Document>& perl_faq) {
  std::vector<LabelledText> texts;
  std::set<std::string> sections;
  for (const Document& document : perl_faq) {
    if (document.name.rfind("perlfaq", 0) != 0) continue;
    const size_t dot = document.name.find('.');
    if (dot == std::string::npos) continue;
    const std::string section = document.name.substr(0, dot);
    const std::string question =
        PodInlineText(document.text.substr(0, document.text.find('\n')));
    std::string text = FirstWords(question, kIclTextWords);
    if (text.empty()) continue;
    texts.push_back({std::move(text), section});
    sections.insert(section);
  }
  if (sections.size() < 2) {
    throw std::invalid_argument(
        "Perl FAQ sections: fewer than 2 sections (not a Perl FAQ corpus?)");
  }
  return texts;
}

}  // namespace prolong::data
