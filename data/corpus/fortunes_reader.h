// Reads fortune(6) cookie files as documents, one per cookie: short,
// informal, varied English (quotations, jokes, verse). A file holds cookies
// separated by lines that are a single '%'.
#ifndef PROLONG_DATA_CORPUS_FORTUNES_READER_H_
#define PROLONG_DATA_CORPUS_FORTUNES_READER_H_

#include <string>
#include <vector>

#include "data/corpus/document.h"
#include "data/corpus/raw_files.h"

namespace prolong::data {

// Unusable files are counted in the manifest and skipped (ReadTextFile);
// cookies with nothing but whitespace count as skipped entries. Documents
// are in file order, named "FILE#N" (N from 1).
Corpus ReadFortunes(const std::vector<SourceFile>& files,
                    const std::string& domain);

}  // namespace prolong::data

#endif  // PROLONG_DATA_CORPUS_FORTUNES_READER_H_
