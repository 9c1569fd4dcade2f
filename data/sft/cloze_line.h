// A cloze question made mechanically from one line of a document: the
// line's most salient word is blanked out and becomes the answer. The
// synthetic long-QA proxy (synthetic_long.h) asks for it, so the answer is a
// span of the document the model must find, with no generator model.
//
// A line qualifies when, with surrounding whitespace trimmed, it is 40 to
// 200 bytes long, holds at least 5 words (runs of non-space bytes), is not a
// code-repository file header ("# File: ...") and has a salient word: an
// ASCII identifier ([A-Za-z_][A-Za-z0-9_]*, a whole run of such bytes; runs
// with non-ASCII bytes do not count) of at least 5 bytes after the line's
// first word. The
// longest salient word is blanked (the first among equals).
#ifndef PROLONG_DATA_SFT_CLOZE_LINE_H_
#define PROLONG_DATA_SFT_CLOZE_LINE_H_

#include <optional>
#include <string>
#include <string_view>

namespace prolong::data {

struct ClozeLine {
  std::string line;     // the trimmed line, as in the document
  std::string blanked;  // `line` with the answer replaced by kClozeBlank
  std::string answer;   // the blanked word
};

inline constexpr char kClozeBlank[] = "____";

// The cloze of `line` (one line, without its '\n'), or nullopt when the
// line does not qualify.
std::optional<ClozeLine> MakeClozeLine(std::string_view line);

}  // namespace prolong::data

#endif  // PROLONG_DATA_SFT_CLOZE_LINE_H_
