#include "data/corpus/html_pages_reader.h"

#include "data/corpus/html_text.h"

namespace prolong::data {

Corpus ReadHtmlPages(const std::vector<SourceFile>& files,
                     const std::string& domain) {
  Corpus corpus = NewCorpus(domain, "html_pages");
  CorpusManifest& manifest = corpus.manifest;
  for (const auto& file : SortedByPath(files)) {
    const auto html = ReadTextFile(file, &manifest);
    if (!html) continue;
    std::string text = HtmlToText(*html);
    if (text.empty()) {
      manifest.set_files_skipped_empty(manifest.files_skipped_empty() + 1);
      continue;
    }
    corpus.documents.push_back({DocumentName(file), std::move(text)});
  }
  FinishCorpus(&corpus);
  return corpus;
}

}  // namespace prolong::data
