#include "data/corpus/pod_faq_reader.h"

#include <sstream>

namespace prolong::data {
namespace {

std::string TrimmedRight(const std::string& s) {
  const size_t end = s.find_last_not_of(" \t\r\n");
  return end == std::string::npos ? "" : s.substr(0, end + 1);
}

}  // namespace

Corpus ReadPodFaq(const std::vector<SourceFile>& files,
                  const std::string& domain) {
  Corpus corpus = NewCorpus(domain, "pod_faq");
  CorpusManifest& manifest = corpus.manifest;
  for (const auto& file : SortedByPath(files)) {
    const auto text = ReadTextFile(file, &manifest);
    if (!text) continue;
    std::istringstream lines(*text);
    std::string line, question, answer;
    bool in_question = false;
    int number = 0;
    const auto finish = [&] {
      if (!in_question) return;
      in_question = false;
      const std::string body = TrimmedRight(answer);
      const size_t start = body.find_first_not_of("\n");
      if (start == std::string::npos) {
        manifest.set_entries_skipped(manifest.entries_skipped() + 1);
        return;
      }
      corpus.documents.push_back(
          {DocumentName(file) + "#" + std::to_string(++number),
           question + "\n\n" + body.substr(start)});
    };
    while (std::getline(lines, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.rfind("=head", 0) == 0 || line.rfind("=cut", 0) == 0) {
        finish();
        if (line.rfind("=head2 ", 0) == 0) {
          question = TrimmedRight(line.substr(7));
          answer.clear();
          in_question = !question.empty();
        }
        continue;
      }
      if (in_question) answer += line + "\n";
    }
    finish();
  }
  FinishCorpus(&corpus);
  return corpus;
}

}  // namespace prolong::data
