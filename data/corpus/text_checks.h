// Cheap checks that decide whether a raw file is usable text.
#ifndef PROLONG_DATA_CORPUS_TEXT_CHECKS_H_
#define PROLONG_DATA_CORPUS_TEXT_CHECKS_H_

#include <string_view>

namespace prolong::data {

// A NUL byte marks a binary file.
bool LooksBinary(std::string_view bytes);
// Strict UTF-8: no overlong forms, surrogates or code points above U+10FFFF.
bool IsValidUtf8(std::string_view bytes);

}  // namespace prolong::data

#endif  // PROLONG_DATA_CORPUS_TEXT_CHECKS_H_
