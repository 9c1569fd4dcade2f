// HTML to plain text, as web-crawl text extraction does at its simplest:
// scripts, styles and comments dropped, tags removed, block-level tags
// turned into line breaks, character references decoded, whitespace
// collapsed outside <pre>. Robust to malformed HTML: a stray '<' is text,
// an unclosed tag or comment ends the page.
#ifndef PROLONG_DATA_CORPUS_HTML_TEXT_H_
#define PROLONG_DATA_CORPUS_HTML_TEXT_H_

#include <string>
#include <string_view>

namespace prolong::data {

// The text of an HTML page (valid UTF-8 in, valid UTF-8 out): paragraphs
// separated by one blank line, no leading or trailing whitespace.
std::string HtmlToText(std::string_view html);

// Decodes one character reference body (between '&' and ';', e.g. "amp",
// "#233", "#xE9") to UTF-8; empty if it is not one this knows.
std::string DecodeCharacterReference(std::string_view name);

}  // namespace prolong::data

#endif  // PROLONG_DATA_CORPUS_HTML_TEXT_H_
