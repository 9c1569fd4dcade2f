// A man page's groff source (man macros) to plain text, simply: comments
// and layout requests dropped, section headings and paragraphs kept, font
// macros (.B, .IR, ...) reduced to their words, filled text joined into
// paragraphs ("no-fill" blocks such as synopses kept line by line), common
// escapes (\fB, \-, \(em, \e, \&, ...) decoded or dropped.
#ifndef PROLONG_DATA_CORPUS_MAN_PAGE_TEXT_H_
#define PROLONG_DATA_CORPUS_MAN_PAGE_TEXT_H_

#include <string>
#include <string_view>

namespace prolong::data {

// The page's text; empty for a page that only points to another (".so").
std::string ManPageToText(std::string_view groff);

// One line of groff text with its escapes decoded or dropped.
std::string DecodeGroffEscapes(std::string_view line);

}  // namespace prolong::data

#endif  // PROLONG_DATA_CORPUS_MAN_PAGE_TEXT_H_
