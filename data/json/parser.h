// Strict RFC 8259 JSON parser.
//
// Accepts exactly one JSON value surrounded by optional whitespace. Strings
// must be valid UTF-8; \u escapes (including surrogate pairs) are decoded to
// UTF-8, and unpaired surrogates are rejected. Nesting deeper than
// kMaxParseDepth is rejected instead of overflowing the stack.

#ifndef PROLONG_DATA_JSON_PARSER_H_
#define PROLONG_DATA_JSON_PARSER_H_

#include <stdexcept>
#include <string>
#include <string_view>

#include "data/json/value.h"

namespace prolong::data::json {

inline constexpr int kMaxParseDepth = 512;

// A syntax error. what() reads "line L, column C: <reason>"; line and column
// are 1-based, and the column counts bytes.
class ParseError : public std::runtime_error {
 public:
  ParseError(int line, int column, const std::string& reason);
  int line() const { return line_; }
  int column() const { return column_; }

 private:
  int line_;
  int column_;
};

// Throws ParseError on malformed or truncated input.
Value Parse(std::string_view text);

}  // namespace prolong::data::json

#endif  // PROLONG_DATA_JSON_PARSER_H_
