#include "data/corpus/text_files_reader.h"

namespace prolong::data {

Corpus ReadTextFiles(const std::vector<SourceFile>& files,
                     const std::string& domain) {
  Corpus corpus = NewCorpus(domain, "text_files");
  for (const auto& file : SortedByPath(files)) {
    auto text = ReadTextFile(file, &corpus.manifest);
    if (text)
      corpus.documents.push_back({DocumentName(file), std::move(*text)});
  }
  FinishCorpus(&corpus);
  return corpus;
}

}  // namespace prolong::data
