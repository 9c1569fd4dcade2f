// Reads HTML pages as documents, one per page, stripped to text
// (HtmlToText): the "web" domain and web-like short data.
#ifndef PROLONG_DATA_CORPUS_HTML_PAGES_READER_H_
#define PROLONG_DATA_CORPUS_HTML_PAGES_READER_H_

#include <string>
#include <vector>

#include "data/corpus/document.h"
#include "data/corpus/raw_files.h"

namespace prolong::data {

// Unusable files are counted in the manifest and skipped (ReadTextFile); a
// page with no text left after stripping counts as empty. Documents are in
// order of path, named after their file.
Corpus ReadHtmlPages(const std::vector<SourceFile>& files,
                     const std::string& domain);

}  // namespace prolong::data

#endif  // PROLONG_DATA_CORPUS_HTML_PAGES_READER_H_
