// Material for the re-rank proxy ("rerank_proxy", standing in for HELMET's
// MS MARCO / TREC DL passage re-ranking): queries with passages graded
// 0-3 by real relations between Linux man pages (corpus
// //data/sources:linux_man_pages, parsed by man_page.h).
//
// Passages are DESCRIPTION passages of at most `passage_words` words
// (text_chunks.h) titled with their page's title. For a page P:
//   query:   P's NAME summary, e.g. "send signal to a process"
//   grade 3: P's own first DESCRIPTION passages (up to 3)
//   grade 2: the first passage of each page P's SEE ALSO list names that is
//            in the corpus ("name(section)" matched against every page's
//            names and section)
//   grade 1: the first passage of pages of P's section, not P and not in
//            its SEE ALSO, when it (with its title) shares a content word
//            (a term of bm25.h's LexicalTerms, 3+ characters, not a stop
//            word) with the query; best BM25 score for the query first
//   grade 0: the first passage of other pages, not P and not in its SEE
//            ALSO, that shares no content word with the query; at random
// A page becomes a query only when every grade has at least one passage.
// Grades 1 and 0 hold hundreds, so the re-rank generator (balanced over the
// grades) can fill long prompts.
#ifndef PROLONG_DATA_TASKS_RERANK_QUERIES_H_
#define PROLONG_DATA_TASKS_RERANK_QUERIES_H_

#include <cstdint>
#include <vector>

#include "data/corpus/document.h"
#include "data/tasks/rerank.h"

namespace prolong::data {

// In corpus order; grade-0 picks depend on `seed`. Throws
// std::invalid_argument when no query can be made (not a man page corpus)
// or passage_words < 1.
std::vector<RerankQuery> ManPageRerankQueries(
    const std::vector<Document>& man_pages, int passage_words, uint64_t seed);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_RERANK_QUERIES_H_
