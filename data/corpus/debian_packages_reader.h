// Reads Debian package indices (apt's Packages format, as `apt-cache
// dumpavail` prints it; third_party/corpora/package_descriptions.bzl) as
// documents, one per package: its Section and its Description, short
// labelled texts for in-context classification.
//
// Stanzas are parsed by debian_stanzas.h. A Description's first line is the
// synopsis; its continuation lines are the long description, each with one
// leading space, " ." standing for an empty line.
#ifndef PROLONG_DATA_CORPUS_DEBIAN_PACKAGES_READER_H_
#define PROLONG_DATA_CORPUS_DEBIAN_PACKAGES_READER_H_

#include <string>
#include <vector>

#include "data/corpus/document.h"
#include "data/corpus/raw_files.h"

namespace prolong::data {

// Unusable files are counted in the manifest and skipped (ReadTextFile).
// A document is named after the package and reads
//   "Section: SECTION\nSYNOPSIS" + "\nLINE" per long description line
// (the leading space removed, " ." as an empty line, trailing spaces
// dropped). Documents are in file order, then stanza order. Skipped entries
// (counted): malformed stanzas (a line that is neither a field nor a
// continuation, a continuation first, a field given twice), stanzas without
// a Package, Section or Description synopsis, stanzas without a Filename
// (dpkg's status records of packages no archive index lists), and later
// stanzas of a package already read (other architectures or versions).
Corpus ReadDebianPackages(const std::vector<SourceFile>& files,
                          const std::string& domain);

}  // namespace prolong::data

#endif  // PROLONG_DATA_CORPUS_DEBIAN_PACKAGES_READER_H_
