#include "data/corpus/code_repos_reader.h"

#include <algorithm>
#include <map>

#include "data/corpus/text_checks.h"
#include "data/io/atomic_file.h"
#include "data/io/checksum.h"

namespace prolong::data {

Corpus ReadCodeRepos(const std::vector<SourceFile>& files,
                     const std::string& tree_name, const std::string& domain) {
  Corpus corpus;
  corpus.domain = domain;
  CorpusManifest& manifest = corpus.manifest;
  manifest.set_domain(domain);
  manifest.set_reader("code_repos");

  // repository name -> (path hash, relative path, contents)
  std::map<std::string,
           std::vector<std::tuple<uint64_t, std::string, std::string>>>
      repositories;
  for (const auto& file : files) {
    std::string contents = io::ReadFile(file.path);
    manifest.set_files_read(manifest.files_read() + 1);
    if (contents.empty()) {
      manifest.set_files_skipped_empty(manifest.files_skipped_empty() + 1);
      continue;
    }
    if (LooksBinary(contents)) {
      manifest.set_files_skipped_binary(manifest.files_skipped_binary() + 1);
      continue;
    }
    if (!IsValidUtf8(contents)) {
      manifest.set_files_skipped_bad_utf8(manifest.files_skipped_bad_utf8() +
                                          1);
      continue;
    }
    const size_t slash = file.relative_path.find('/');
    const std::string repository = slash == std::string::npos
                                       ? tree_name
                                       : file.relative_path.substr(0, slash);
    const uint64_t order =
        io::Fnv1a64(file.relative_path.data(), file.relative_path.size());
    repositories[repository].emplace_back(order, file.relative_path,
                                          std::move(contents));
  }

  for (auto& [name, repository_files] : repositories) {
    std::sort(repository_files.begin(), repository_files.end());
    Document document{name, ""};
    for (const auto& [order, path, contents] : repository_files) {
      document.text += "# File: " + path + "\n" + contents;
      if (contents.back() != '\n') document.text += '\n';
      document.text += '\n';
    }
    manifest.set_bytes(manifest.bytes() + document.text.size());
    corpus.documents.push_back(std::move(document));
  }
  manifest.set_documents(corpus.documents.size());
  FillLengthHistogram(corpus.documents, &manifest);
  return corpus;
}

}  // namespace prolong::data
