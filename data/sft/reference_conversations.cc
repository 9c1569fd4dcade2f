#include "data/sft/reference_conversations.h"

#include <sstream>
#include <string>

namespace prolong::data {
namespace {

// Paragraphs (separated by blank lines), each with its lines joined by
// single spaces.
std::vector<std::string> Paragraphs(const std::string& text) {
  std::vector<std::string> paragraphs;
  std::istringstream lines(text);
  std::string line, current;
  auto flush = [&] {
    if (!current.empty()) paragraphs.push_back(current);
    current.clear();
  };
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string word;
    bool any = false;
    while (words >> word) {
      current += (current.empty() ? "" : " ") + word;
      any = true;
    }
    if (!any) flush();
  }
  flush();
  return paragraphs;
}

// Drops FOLDOC's "<category, ...>" tags and the braces of {references}.
std::string PlainFoldoc(const std::string& text) {
  std::string out;
  bool in_tag = false;
  for (const char c : text) {
    if (c == '<') in_tag = true;
    if (!in_tag && c != '{' && c != '}') out += c;
    if (c == '>') in_tag = false;
  }
  const size_t begin = out.find_first_not_of(' ');
  return begin == std::string::npos ? "" : out.substr(begin);
}

}  // namespace

std::vector<Conversation> DefinitionConversations(const Corpus& corpus,
                                                  size_t min_answer_chars) {
  std::vector<Conversation> conversations;
  for (const Document& document : corpus.documents) {
    const std::vector<std::string> paragraphs = Paragraphs(document.text);
    if (paragraphs.size() < 2) continue;
    // The first paragraph is the headword (and its synonyms, one a line).
    const std::string headword =
        document.text.substr(0, document.text.find('\n'));
    const std::string answer = PlainFoldoc(paragraphs[1]);
    if (headword.empty() || answer.size() < min_answer_chars) continue;
    conversations.push_back(
        {{"user", "In computing, what is \"" + headword + "\"?"},
         {"assistant", answer}});
  }
  return conversations;
}

std::vector<Conversation> FaqConversations(const Corpus& corpus) {
  std::vector<Conversation> conversations;
  for (const Document& document : corpus.documents) {
    const std::vector<std::string> paragraphs = Paragraphs(document.text);
    if (paragraphs.size() < 2 || paragraphs[0].back() != '?') continue;
    std::string answer;
    for (size_t i = 1; i < paragraphs.size(); ++i) {
      answer += (answer.empty() ? "" : "\n\n") + paragraphs[i];
    }
    conversations.push_back({{"user", paragraphs[0]}, {"assistant", answer}});
  }
  return conversations;
}

}  // namespace prolong::data
