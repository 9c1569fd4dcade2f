// Reads FAQs written in POD (Perl's perlfaq1..9) as documents, one per
// question and answer, as StackExchange data pairs a question with its
// answers: a "=head2" line is the question, the paragraphs up to the next
// heading (or "=cut") its answer, kept in POD markup as StackExchange keeps
// Markdown.
#ifndef PROLONG_DATA_CORPUS_POD_FAQ_READER_H_
#define PROLONG_DATA_CORPUS_POD_FAQ_READER_H_

#include <string>
#include <vector>

#include "data/corpus/document.h"
#include "data/corpus/raw_files.h"

namespace prolong::data {

// Unusable files are counted in the manifest and skipped (ReadTextFile);
// questions without an answer count as skipped entries. A document is
// "QUESTION\n\nANSWER", named "FILE#N" (N from 1), in file order.
Corpus ReadPodFaq(const std::vector<SourceFile>& files,
                  const std::string& domain);

}  // namespace prolong::data

#endif  // PROLONG_DATA_CORPUS_POD_FAQ_READER_H_
