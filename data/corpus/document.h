// A document: one unit of text with a name and a domain. A code repository
// is one document (all of its files concatenated), a book is one document.
#ifndef PROLONG_DATA_CORPUS_DOCUMENT_H_
#define PROLONG_DATA_CORPUS_DOCUMENT_H_

#include <string>
#include <vector>

#include "data/corpus/manifest.pb.h"

namespace prolong::data {

struct Document {
  std::string name;
  std::string text;
};

struct Corpus {
  std::string domain;
  std::vector<Document> documents;
  CorpusManifest manifest;
};

// Stores a corpus as HDF5: "text" (all bytes, uint8), "offsets" (D + 1,
// int64), "names" (D strings), "domain" and "manifest" (text format).
void WriteCorpus(const Corpus& corpus, const std::string& path);
Corpus ReadCorpus(const std::string& path);

// Powers-of-two byte-length histogram of the documents, from 1 KiB up.
void FillLengthHistogram(const std::vector<Document>& documents,
                         CorpusManifest* manifest);

}  // namespace prolong::data

#endif  // PROLONG_DATA_CORPUS_DOCUMENT_H_
