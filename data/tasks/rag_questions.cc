#include "data/tasks/rag_questions.h"

#include <cctype>
#include <map>
#include <optional>
#include <stdexcept>

#include "data/tasks/man_page.h"
#include "data/tasks/text_chunks.h"

namespace prolong::data {
namespace {

std::string Lower(std::string text) {
  for (char& c : text) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return text;
}

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

}  // namespace

bool ContainsWholeWord(const std::string& text, const std::string& name) {
  if (name.empty()) return false;
  const std::string haystack = Lower(text), needle = Lower(name);
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + 1)) {
    const size_t end = pos + needle.size();
    if ((pos == 0 || !IsWordChar(haystack[pos - 1])) &&
        (end == haystack.size() || !IsWordChar(haystack[end]))) {
      return true;
    }
  }
  return false;
}

RagMaterial ManPageRagMaterial(const std::vector<Document>& man_pages,
                               int passage_words) {
  RagMaterial material;
  std::vector<ManPage> pages;
  std::vector<Passage> golds;
  std::map<std::string, int> summary_count;
  for (const Document& document : man_pages) {
    std::optional<ManPage> page = ParseManPage(document.text);
    if (!page) continue;
    const std::vector<std::string> chunks =
        SentenceChunks(page->description, passage_words);
    if (chunks.empty()) continue;
    for (const std::string& chunk : chunks) {
      material.pool.push_back({page->title, chunk});
    }
    ++summary_count[page->summary];
    golds.push_back({page->title, chunks[0]});
    pages.push_back(std::move(*page));
  }
  for (size_t i = 0; i < pages.size(); ++i) {
    const ManPage& page = pages[i];
    if (summary_count[page.summary] != 1) continue;
    bool has_answer = false;
    for (const std::string& name : page.names) {
      has_answer = has_answer || ContainsWholeWord(golds[i].text, name);
    }
    if (!has_answer) continue;
    material.questions.push_back(
        {"Which function is described as \"" + page.summary + "\"?", page.names,
         golds[i]});
  }
  if (material.questions.empty()) {
    throw std::invalid_argument(
        "RAG proxy: no question could be made (not a man page corpus?)");
  }
  return material;
}

}  // namespace prolong::data
