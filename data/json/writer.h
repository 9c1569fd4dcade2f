// JSON serialisation.

#ifndef PROLONG_DATA_JSON_WRITER_H_
#define PROLONG_DATA_JSON_WRITER_H_

#include <string>

#include "data/json/value.h"

namespace prolong::data::json {

// Serialises `value`. indent < 0 writes everything on one line with no spaces
// (one JSON Lines record); indent >= 0 puts each array element and object
// member on its own line, indented by `indent` spaces per level.
//
// Strings are written as UTF-8 with '"', '\\' and control characters escaped;
// their bytes are passed through unchecked. Doubles use the shortest text
// that reads back to the same value; NaN and infinities throw
// std::invalid_argument (JSON cannot hold them).
std::string Write(const Value& value, int indent = -1);

}  // namespace prolong::data::json

#endif  // PROLONG_DATA_JSON_WRITER_H_
