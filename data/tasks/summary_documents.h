// Documents for the summarisation proxy (summary_proxy.h), which wants
// "{lead}\n\n{body}" with the lead as the reference summary. Both man pages
// and Perl's POD books carry an author-written one-line summary of the
// whole document in their NAME section, which becomes the lead:
//   man page (man_page.h):  "kill - send signal to a process", body = the
//                           page after its NAME section (SYNOPSIS onwards)
//   POD book (pod_text.h):  "perlsec - Perl security", body = the plain
//                           text after the NAME paragraph
// A document with a NAME line but less than `min_body_words` words of body
// is left out, so the prompt can reach the target length (HELMET keeps
// only Multi-LexSum documents longer than its longest prompt).
#ifndef PROLONG_DATA_TASKS_SUMMARY_DOCUMENTS_H_
#define PROLONG_DATA_TASKS_SUMMARY_DOCUMENTS_H_

#include <string>
#include <vector>

#include "data/corpus/document.h"

namespace prolong::data {

// "{lead}\n\n{body}" per qualifying document, in corpus order. A document
// whose text has a "=head1 NAME" line is read as POD, any other as a man
// page.
std::vector<std::string> SummaryDocuments(
    const std::vector<Document>& documents, int min_body_words);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_SUMMARY_DOCUMENTS_H_
