// Plain text from POD, Perl's documentation markup (perlpod), as a reader
// of the rendered page sees it: the material the Perl-based evaluation
// tasks show a model, so no markup hints at an answer or a label.
//
// Formatting codes, in single (C<...>) and multi-bracket (C<< ... >>)
// form, nested: B, C, I, F, S keep their text; L<text|target> gives text,
// L<name/"section"> gives "section" in name, L<target> the target; E<lt>,
// E<gt>, E<verbar>, E<sol>, E<quot>, E<amp>, E<apos>, E<nbsp> and numeric
// ASCII escapes give their character (other escapes nothing); X<> (index
// entries) and Z<> give nothing. A '<' not preceded by a capital letter is
// plain text.
//
// Paragraphs (separated by blank lines): "=head1 Title" and "=item Text"
// give their text; =over, =back, =pod, =cut, =encoding and =for paragraphs,
// and whole =begin ... =end blocks, are dropped; verbatim (indented)
// paragraphs are kept unchanged; ordinary paragraphs have their codes
// resolved. Paragraphs are joined by one blank line.
#ifndef PROLONG_DATA_TASKS_POD_TEXT_H_
#define PROLONG_DATA_TASKS_POD_TEXT_H_

#include <string>
#include <string_view>

namespace prolong::data {

// `pod` with its formatting codes resolved (one paragraph or less).
std::string PodInlineText(std::string_view pod);

// A whole POD document as plain text.
std::string PodToText(std::string_view pod);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_POD_TEXT_H_
