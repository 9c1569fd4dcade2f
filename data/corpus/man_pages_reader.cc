#include "data/corpus/man_pages_reader.h"

#include "data/corpus/man_page_text.h"

namespace prolong::data {

Corpus ReadManPages(const std::vector<SourceFile>& files,
                    const std::string& domain) {
  Corpus corpus = NewCorpus(domain, "man_pages");
  CorpusManifest& manifest = corpus.manifest;
  for (const auto& file : SortedByPath(files)) {
    const auto groff = ReadTextFile(file, &manifest);
    if (!groff) continue;
    std::string text = ManPageToText(*groff);
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
