// Raw input files of a corpus and how each becomes text: read, gunzipped
// when compressed, and checked. Every reader counts what it read and what it
// skipped in the corpus manifest through these functions.
#ifndef PROLONG_DATA_CORPUS_RAW_FILES_H_
#define PROLONG_DATA_CORPUS_RAW_FILES_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "data/corpus/document.h"

namespace prolong::data {

struct SourceFile {
  std::string relative_path;  // inside the tree, e.g. "email/parser.py"
  std::string path;           // where to read it
};

// The files in order of relative path: readers emit documents in this order,
// whatever order the files were listed in.
std::vector<SourceFile> SortedByPath(std::vector<SourceFile> files);

// An empty corpus of `domain` whose manifest names `reader`.
Corpus NewCorpus(const std::string& domain, const std::string& reader);

// The file's text: decompressed if its name ends in .gz or .dz. Counts the
// file as read; returns nothing, and counts why, for a file that is empty
// (before or after decompression), does not decompress, holds a NUL byte or
// is not valid UTF-8. Throws std::runtime_error naming an unreadable file.
std::optional<std::string> ReadTextFile(const SourceFile& file,
                                        CorpusManifest* manifest);

// The file's relative path without a .gz or .dz suffix.
std::string DocumentName(const SourceFile& file);

// Counts the documents and their bytes and fills the length histogram.
void FinishCorpus(Corpus* corpus);

// One document per usable text file, in path order: its text passed through
// `convert` (HTML or groff to plain text, or as it is); a file that converts
// to nothing is counted as empty.
Corpus ReadConvertedFiles(
    const std::vector<SourceFile>& files, const std::string& domain,
    const std::string& reader,
    const std::function<std::string(const std::string&)>& convert);

}  // namespace prolong::data

#endif  // PROLONG_DATA_CORPUS_RAW_FILES_H_
