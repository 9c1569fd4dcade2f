#include "data/corpus/raw_files.h"

#include <algorithm>

#include "data/corpus/gzip.h"
#include "data/corpus/text_checks.h"
#include "data/io/atomic_file.h"

namespace prolong::data {

std::vector<SourceFile> SortedByPath(std::vector<SourceFile> files) {
  std::sort(files.begin(), files.end(),
            [](const SourceFile& a, const SourceFile& b) {
              return a.relative_path < b.relative_path;
            });
  return files;
}

Corpus NewCorpus(const std::string& domain, const std::string& reader) {
  Corpus corpus;
  corpus.domain = domain;
  corpus.manifest.set_domain(domain);
  corpus.manifest.set_reader(reader);
  return corpus;
}

std::optional<std::string> ReadTextFile(const SourceFile& file,
                                        CorpusManifest* manifest) {
  std::string contents = io::ReadFile(file.path);
  manifest->set_files_read(manifest->files_read() + 1);
  if (!contents.empty() && IsGzipName(file.relative_path)) {
    std::string text;
    if (!Gunzip(contents, &text)) {
      manifest->set_files_skipped_bad_compression(
          manifest->files_skipped_bad_compression() + 1);
      return std::nullopt;
    }
    contents = std::move(text);
  }
  if (contents.empty()) {
    manifest->set_files_skipped_empty(manifest->files_skipped_empty() + 1);
    return std::nullopt;
  }
  if (LooksBinary(contents)) {
    manifest->set_files_skipped_binary(manifest->files_skipped_binary() + 1);
    return std::nullopt;
  }
  if (!IsValidUtf8(contents)) {
    manifest->set_files_skipped_bad_utf8(manifest->files_skipped_bad_utf8() +
                                         1);
    return std::nullopt;
  }
  return contents;
}

std::string DocumentName(const SourceFile& file) {
  const std::string& path = file.relative_path;
  return IsGzipName(path) ? path.substr(0, path.size() - 3) : path;
}

void FinishCorpus(Corpus* corpus) {
  int64_t bytes = 0;
  for (const auto& document : corpus->documents) {
    bytes += static_cast<int64_t>(document.text.size());
  }
  corpus->manifest.set_documents(
      static_cast<int64_t>(corpus->documents.size()));
  corpus->manifest.set_bytes(bytes);
  FillLengthHistogram(corpus->documents, &corpus->manifest);
}

Corpus ReadConvertedFiles(
    const std::vector<SourceFile>& files, const std::string& domain,
    const std::string& reader,
    const std::function<std::string(const std::string&)>& convert) {
  Corpus corpus = NewCorpus(domain, reader);
  CorpusManifest& manifest = corpus.manifest;
  for (const auto& file : SortedByPath(files)) {
    const auto raw = ReadTextFile(file, &manifest);
    if (!raw) continue;
    std::string text = convert(*raw);
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
