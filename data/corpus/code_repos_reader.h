// Reads source trees into code-repository documents, as ProLong builds its
// "code repos" long data from The Stack v1: every file of one repository is
// concatenated into a single document, each file headed by its path, in an
// order that is NOT a dependency order (here: by a hash of the path), so
// that dependent files end up far apart.
//
// A "repository" is a directory `repository_depth` levels down the tree (1:
// a top-level directory; 2: a directory inside one, for a corpus that mounts
// one tree per package). Files above that depth form one repository named
// after their directory, or after the tree at the top.
#ifndef PROLONG_DATA_CORPUS_CODE_REPOS_READER_H_
#define PROLONG_DATA_CORPUS_CODE_REPOS_READER_H_

#include <string>
#include <vector>

#include "data/corpus/document.h"
#include "data/corpus/raw_files.h"

namespace prolong::data {

// Reads every file; empty, binary, invalid-UTF-8 and undecompressable files
// are counted in the manifest and skipped. Repositories are ordered by name.
Corpus ReadCodeRepos(const std::vector<SourceFile>& files,
                     const std::string& tree_name, const std::string& domain,
                     int repository_depth);

}  // namespace prolong::data

#endif  // PROLONG_DATA_CORPUS_CODE_REPOS_READER_H_
