// Reads man pages (groff, usually gzip-compressed) as documents, one per
// page, converted to text (ManPageToText): task-oriented usage
// documentation, short data.
#ifndef PROLONG_DATA_CORPUS_MAN_PAGES_READER_H_
#define PROLONG_DATA_CORPUS_MAN_PAGES_READER_H_

#include <string>
#include <vector>

#include "data/corpus/document.h"
#include "data/corpus/raw_files.h"

namespace prolong::data {

// Unusable files are counted in the manifest and skipped (ReadTextFile); a
// page with no text of its own (a ".so" pointer to another page) counts as
// empty. Documents are in order of path, named after their file (less .gz).
Corpus ReadManPages(const std::vector<SourceFile>& files,
                    const std::string& domain);

}  // namespace prolong::data

#endif  // PROLONG_DATA_CORPUS_MAN_PAGES_READER_H_
