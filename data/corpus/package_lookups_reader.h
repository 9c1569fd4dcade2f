// Key-value lookups over Debian package records: documents that list a few
// packages' values of one field, then ask for some of them back. A
// synthetic stand-in for the in-context retrieval that the paper's starting
// point (Llama-3-8B) learned in pretraining and that every Recall task
// needs, for base models trained from scratch; //ablations/base_lookups
// measures whether it helps at a preset. Keys and values are real (package
// names; versions, sizes and checksums from apt's index); the layouts and
// questions are mechanical, and none is a template of the evaluation's
// Recall tasks (tests/data/corpus/package_lookups_reader_test.cc checks).
//
// Reads the same Packages index as debian_packages_reader.h, but never a
// Section or Description (the ICL task's labels and texts).
#ifndef PROLONG_DATA_CORPUS_PACKAGE_LOOKUPS_READER_H_
#define PROLONG_DATA_CORPUS_PACKAGE_LOOKUPS_READER_H_

#include <string>
#include <vector>

#include "data/corpus/document.h"
#include "data/corpus/raw_files.h"

namespace prolong::data {

constexpr int kMinRecords = 2;
constexpr int kMaxRecords = 6;
constexpr int kMaxQuestions = 4;

// Packages (a stanza with Package and Filename, first stanza of a name
// only; other stanzas counted as skipped entries) are shuffled by a fixed
// seed and taken a few at a time, each package once. A document
// "lookups-NNNNN" takes kMinRecords to kMaxRecords packages that all have
// the field it lists (Version, Size, Installed-Size or MD5sum), lays out
// their values in one of four layouts (a Packages excerpt, a JSON object,
// sentences, a Markdown table), then asks for up to kMaxQuestions of them
// in that layout's question form, in an order of their own. Deterministic:
// the same index gives the same documents.
Corpus ReadPackageLookups(const std::vector<SourceFile>& files,
                          const std::string& domain);

}  // namespace prolong::data

#endif  // PROLONG_DATA_CORPUS_PACKAGE_LOOKUPS_READER_H_
