#include "data/corpus/code_repos_reader.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <tuple>

#include "data/io/checksum.h"

namespace prolong::data {
namespace {

// The first `depth` directories of `path`, or fewer if the file is higher up;
// `tree_name` for a file at the top.
std::string RepositoryOf(const std::string& path, const std::string& tree_name,
                         int depth) {
  size_t end = std::string::npos;
  size_t next = 0;
  for (int level = 0; level < depth; ++level) {
    const size_t slash = path.find('/', next);
    if (slash == std::string::npos) break;
    end = slash;
    next = slash + 1;
  }
  return end == std::string::npos ? tree_name : path.substr(0, end);
}

}  // namespace

Corpus ReadCodeRepos(const std::vector<SourceFile>& files,
                     const std::string& tree_name, const std::string& domain,
                     int repository_depth) {
  if (repository_depth < 1) {
    throw std::invalid_argument("code_repos: repository depth must be >= 1");
  }
  Corpus corpus = NewCorpus(domain, "code_repos");

  // repository name -> (path hash, relative path, contents)
  std::map<std::string,
           std::vector<std::tuple<uint64_t, std::string, std::string>>>
      repositories;
  for (const auto& file : files) {
    auto contents = ReadTextFile(file, &corpus.manifest);
    if (!contents) continue;
    const uint64_t order =
        io::Fnv1a64(file.relative_path.data(), file.relative_path.size());
    repositories[RepositoryOf(file.relative_path, tree_name, repository_depth)]
        .emplace_back(order, file.relative_path, std::move(*contents));
  }

  for (auto& [name, repository_files] : repositories) {
    std::sort(repository_files.begin(), repository_files.end());
    Document document{name, ""};
    for (const auto& [order, path, contents] : repository_files) {
      document.text += "# File: " + path + "\n" + contents;
      if (contents.back() != '\n') document.text += '\n';
      document.text += '\n';
    }
    corpus.documents.push_back(std::move(document));
  }
  FinishCorpus(&corpus);
  return corpus;
}

}  // namespace prolong::data
