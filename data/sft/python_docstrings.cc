#include "data/sft/python_docstrings.h"

#include <sstream>

namespace prolong::data {
namespace {

std::string Trim(const std::string& text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  const size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

// The first paragraph of a docstring, lines re-joined with single spaces.
std::string FirstParagraph(const std::string& docstring) {
  std::istringstream lines(Trim(docstring));
  std::string line, paragraph;
  while (std::getline(lines, line)) {
    line = Trim(line);
    if (line.empty()) break;
    paragraph += (paragraph.empty() ? "" : " ") + line;
  }
  return paragraph;
}

// "def name(args):" or "class Name(bases):" on one line, with its name and
// signature; false for anything else.
bool ParseDefinition(const std::string& line, std::string* kind,
                     std::string* signature) {
  const std::string stripped = Trim(line);
  for (const char* keyword : {"def ", "class ", "async def "}) {
    const std::string k(keyword);
    if (stripped.rfind(k, 0) == 0 && stripped.back() == ':') {
      *kind = k == "class " ? "class" : "function";
      *signature = stripped.substr(k.size(), stripped.size() - k.size() - 1);
      return !signature->empty();
    }
  }
  return false;
}

}  // namespace

std::vector<Conversation> DocstringConversations(const Corpus& corpus,
                                                 size_t min_answer_chars) {
  std::vector<Conversation> conversations;
  for (const Document& document : corpus.documents) {
    std::istringstream lines(document.text);
    std::string line, file, kind, signature;
    while (std::getline(lines, line)) {
      if (line.rfind("# File: ", 0) == 0) {
        file = line.substr(8);
        continue;
      }
      if (!ParseDefinition(line, &kind, &signature)) continue;
      std::string next;
      if (!std::getline(lines, next)) break;
      const std::string opened = Trim(next);
      const std::string quote = opened.rfind("\"\"\"", 0) == 0 ? "\"\"\""
                                : opened.rfind("'''", 0) == 0  ? "'''"
                                                               : "";
      if (quote.empty()) continue;
      std::string docstring = opened.substr(3);
      while (docstring.find(quote) == std::string::npos &&
             std::getline(lines, next)) {
        docstring += "\n" + next;
      }
      docstring = docstring.substr(0, docstring.find(quote));
      const std::string answer = FirstParagraph(docstring);
      if (answer.size() < min_answer_chars) continue;
      conversations.push_back(
          {{"user", "In the Python module " + file + ", what does the " + kind +
                        " `" + signature + "` do?"},
           {"assistant", answer}});
    }
  }
  return conversations;
}

}  // namespace prolong::data
