// Test fixtures for corpus readers: files written under TEST_TMPDIR, and
// gzip compression to make .gz inputs.
#ifndef PROLONG_TESTS_DATA_CORPUS_FIXTURE_FILES_H_
#define PROLONG_TESTS_DATA_CORPUS_FIXTURE_FILES_H_

#include <string>
#include <string_view>

#include "data/corpus/raw_files.h"

namespace prolong::data {

// Writes `contents` to TEST_TMPDIR/tree/<relative>; the file as a reader
// sees it.
SourceFile WriteFixture(const std::string& relative, std::string_view contents);

// `text` as one gzip member.
std::string Gzip(std::string_view text);

}  // namespace prolong::data

#endif  // PROLONG_TESTS_DATA_CORPUS_FIXTURE_FILES_H_
