// Reads whole text files as documents, one per file, kept raw: a book or
// manual chapter (POD, reST) for the "books" domain, a LaTeX source for the
// "arxiv" domain (the paper's ArXiv data is raw LaTeX too). Documents
// are in order of path.
#ifndef PROLONG_DATA_CORPUS_TEXT_FILES_READER_H_
#define PROLONG_DATA_CORPUS_TEXT_FILES_READER_H_

#include <string>
#include <vector>

#include "data/corpus/document.h"
#include "data/corpus/raw_files.h"

namespace prolong::data {

// Empty, binary, invalid-UTF-8 and undecompressable files are counted in the
// manifest and skipped. A document is named after its file (less .gz).
Corpus ReadTextFiles(const std::vector<SourceFile>& files,
                     const std::string& domain);

}  // namespace prolong::data

#endif  // PROLONG_DATA_CORPUS_TEXT_FILES_READER_H_
