// Long documents for the long-document QA proxy (qa_proxy.h), standing in
// for NarrativeQA's books: our "books" corpus is Perl's manual
// (//data/sources:perl_manual, raw POD), shown as a reader sees it
// (pod_text.h) so that no markup sits next to an answer. Documents without
// POD commands are taken as they are. As NarrativeQA's books are English,
// books whose text is less than kMinAsciiShare ASCII (Perl's Chinese,
// Japanese and Korean guides) are left out.
#ifndef PROLONG_DATA_TASKS_QA_BOOKS_H_
#define PROLONG_DATA_TASKS_QA_BOOKS_H_

#include <string>
#include <vector>

#include "data/corpus/document.h"

namespace prolong::data {

constexpr double kMinAsciiShare = 0.95;

// The plain text of every document of at least `min_words` words (after
// conversion), in corpus order (HELMET keeps only NarrativeQA documents
// longer than its longest prompt).
std::vector<std::string> PlainTextBooks(const std::vector<Document>& books,
                                        int min_words);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_QA_BOOKS_H_
