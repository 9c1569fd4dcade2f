// Reads dictd dictionaries (NAME.index + NAME.dict or NAME.dict.dz, as
// Debian's dict-* packages install them) as documents, one per entry: an
// encyclopedic definition, short data in the role of Wikipedia.
//
// An index line is "headword TAB offset TAB length", offset and length in
// dictd's base64 (A-Z a-z 0-9 + /, most significant digit first) into the
// uncompressed dictionary text.
#ifndef PROLONG_DATA_CORPUS_DICTD_READER_H_
#define PROLONG_DATA_CORPUS_DICTD_READER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "data/corpus/document.h"
#include "data/corpus/raw_files.h"

namespace prolong::data {

// A dictd base64 number; nothing if a digit is not base64 or there are
// more than 10 digits.
std::optional<int64_t> DecodeDictdNumber(std::string_view digits);

// Unusable files are counted in the manifest and skipped (ReadTextFile); a
// dictionary whose index or text is missing or unusable yields nothing.
// Entries are in index order; several headwords of one entry give one
// document, named after the first; the "00-database-*" metadata entries are
// left out; malformed index lines, entries outside the text and entries
// that cut a UTF-8 character count as skipped entries. Throws
// std::runtime_error for a file that is neither an index nor a dictionary.
Corpus ReadDictd(const std::vector<SourceFile>& files,
                 const std::string& domain);

}  // namespace prolong::data

#endif  // PROLONG_DATA_CORPUS_DICTD_READER_H_
