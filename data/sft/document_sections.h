// The sections of a long document and the lead paragraph of each: what the
// synthetic long-summarisation proxy (synthetic_long.h) asks a model to
// write back from the rest of the section, the way the evaluation's
// summary proxy takes a document's lead as its reference summary.
//
// A section starts at a header line: a code-repository file header
// ("# File: <path>", titled "the file <path>") or a POD heading ("=head1 X"
// or "=head2 X", titled "the section \"X\""); text before the first header
// is a section titled "the document". A section ends where the next begins.
//
// The lead is the section's first paragraph (a run of non-blank lines; for
// a block of "//" or "#" comments, only the lines that start with its
// marker) that is not boilerplate (a copyright or licence, a "DO NOT EDIT"
// generated-code marker) and, outside code files, is not title-like (one line
// of fewer than 6 words not ending in '.': a page's headings, navigation and
// table of contents), provided it reads as prose; otherwise the section has no
// lead. (In a code file, a short line is code, and a later comment would
// describe a part of the file, not the file.) Prose: the first line starts with
// neither whitespace (POD verbatim, indented code) nor '=' (a POD command);
// with each line's leading whitespace and comment markers (// # * /* */ """
// ''') removed and whitespace runs collapsed to one space, it has 6 or more
// words, at most 600 bytes, ends with '.' and is at least 75% letters and
// spaces.
#ifndef PROLONG_DATA_SFT_DOCUMENT_SECTIONS_H_
#define PROLONG_DATA_SFT_DOCUMENT_SECTIONS_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace prolong::data {

struct DocumentSection {
  std::string title;
  size_t begin = 0;  // byte offsets in the document: [begin, end)
  size_t end = 0;
  // The lead's lines are [lead_begin, lead_end) (each through its '\n');
  // lead_begin == lead_end when the section has no lead.
  size_t lead_begin = 0;
  size_t lead_end = 0;
  std::string lead;  // the lead as prose (markers removed); empty if none
};

// Sections in document order; they tile the text exactly.
std::vector<DocumentSection> SplitSections(std::string_view text);

}  // namespace prolong::data

#endif  // PROLONG_DATA_SFT_DOCUMENT_SECTIONS_H_
