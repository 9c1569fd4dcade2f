// Reads source trees into code-repository documents, as ProLong builds its
// "code repos" long data from The Stack v1: every file of one repository is
// concatenated into a single document, each file headed by its path, in an
// order that is NOT a dependency order (here: by a hash of the path), so
// that dependent files end up far apart.
//
// A "repository" is a top-level directory of the source tree; files directly
// at the top level form one repository named after the tree.
#ifndef PROLONG_DATA_CORPUS_CODE_REPOS_READER_H_
#define PROLONG_DATA_CORPUS_CODE_REPOS_READER_H_

#include <string>
#include <vector>

#include "data/corpus/document.h"

namespace prolong::data {

struct SourceFile {
  std::string relative_path;  // inside the tree, e.g. "email/parser.py"
  std::string path;           // where to read it
};

// Reads every file; empty, binary and invalid-UTF-8 files are counted in the
// manifest and skipped. Repositories are ordered by name.
Corpus ReadCodeRepos(const std::vector<SourceFile>& files,
                     const std::string& tree_name, const std::string& domain);

}  // namespace prolong::data

#endif  // PROLONG_DATA_CORPUS_CODE_REPOS_READER_H_
