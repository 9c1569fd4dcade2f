#include "data/corpus/fortunes_reader.h"

#include <sstream>

namespace prolong::data {
namespace {

// The cookie without blank lines around it and trailing spaces.
std::string Tidy(const std::string& cookie) {
  const size_t begin = cookie.find_first_not_of("\n");
  const size_t end = cookie.find_last_not_of(" \t\r\n");
  if (begin == std::string::npos || end == std::string::npos || end < begin) {
    return "";
  }
  return cookie.substr(begin, end - begin + 1);
}

}  // namespace

Corpus ReadFortunes(const std::vector<SourceFile>& files,
                    const std::string& domain) {
  Corpus corpus = NewCorpus(domain, "fortunes");
  CorpusManifest& manifest = corpus.manifest;
  for (const auto& file : SortedByPath(files)) {
    const auto text = ReadTextFile(file, &manifest);
    if (!text) continue;
    std::istringstream lines(*text);
    std::string line, cookie;
    int number = 0;
    const auto finish_cookie = [&] {
      std::string tidy = Tidy(cookie);
      cookie.clear();
      if (tidy.find_first_not_of(" \t") == std::string::npos) {
        manifest.set_entries_skipped(manifest.entries_skipped() + 1);
        return;
      }
      corpus.documents.push_back(
          {DocumentName(file) + "#" + std::to_string(++number),
           std::move(tidy)});
    };
    while (std::getline(lines, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line == "%") {
        finish_cookie();
      } else {
        cookie += line + "\n";
      }
    }
    if (!cookie.empty()) finish_cookie();
  }
  FinishCorpus(&corpus);
  return corpus;
}

}  // namespace prolong::data
