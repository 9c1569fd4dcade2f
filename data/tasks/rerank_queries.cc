#include "data/tasks/rerank_queries.h"

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>

#include "data/rng.h"
#include "data/tasks/bm25.h"
#include "data/tasks/man_page.h"
#include "data/tasks/text_chunks.h"

namespace prolong::data {
namespace {

constexpr int kOwnPassages = 3;

const std::set<std::string>& StopWords() {
  static const std::set<std::string> kStopWords = {
      "and",  "are",  "but",   "for",  "from", "get",   "has",   "into",
      "its",  "not",  "off",   "one",  "set",  "that",  "the",   "their",
      "them", "then", "there", "this", "use",  "used",  "using", "was",
      "with", "all",  "any",   "can",  "does", "given", "other", "out"};
  return kStopWords;
}

std::set<std::string> ContentWords(const std::string& text) {
  std::set<std::string> words;
  for (std::string& term : LexicalTerms(text)) {
    if (term.size() >= 3 && StopWords().count(term) == 0) {
      words.insert(std::move(term));
    }
  }
  return words;
}

std::set<std::string> PassageTerms(const Passage& passage) {
  std::set<std::string> terms;
  for (const auto* field : {&passage.title, &passage.text}) {
    for (std::string& term : LexicalTerms(*field))
      terms.insert(std::move(term));
  }
  return terms;
}

bool SharesWord(const std::set<std::string>& words,
                const std::set<std::string>& terms) {
  for (const std::string& word : words) {
    if (terms.count(word) > 0) return true;
  }
  return false;
}

struct Page {
  ManPage parsed;
  std::vector<std::string> chunks;
};

}  // namespace

std::vector<RerankQuery> ManPageRerankQueries(
    const std::vector<Document>& man_pages, int passage_words, uint64_t seed) {
  std::vector<Page> pages;
  for (const Document& document : man_pages) {
    std::optional<ManPage> parsed = ParseManPage(document.text);
    if (!parsed) continue;
    std::vector<std::string> chunks =
        SentenceChunks(parsed->description, passage_words);
    if (chunks.empty()) continue;
    pages.push_back({std::move(*parsed), std::move(chunks)});
  }
  // "name(section)" -> page, for every name a page documents.
  std::map<std::string, int> by_reference;
  std::vector<Passage> firsts;
  for (int p = 0; p < static_cast<int>(pages.size()); ++p) {
    for (const std::string& name : pages[p].parsed.names) {
      by_reference.emplace(name + "(" + pages[p].parsed.section + ")", p);
    }
    firsts.push_back({pages[p].parsed.title, pages[p].chunks[0]});
  }
  const Bm25Index index(firsts);
  std::vector<std::set<std::string>> first_terms;
  for (const Passage& first : firsts)
    first_terms.push_back(PassageTerms(first));
  std::vector<RerankQuery> queries;
  for (int p = 0; p < static_cast<int>(pages.size()); ++p) {
    const ManPage& page = pages[p].parsed;
    RerankQuery query{page.summary, {}};
    for (int c = 0;
         c < kOwnPassages && c < static_cast<int>(pages[p].chunks.size());
         ++c) {
      query.passages.push_back({page.title, pages[p].chunks[c], 3});
    }
    std::set<int> related = {p};
    for (const std::string& reference : page.see_also) {
      const auto found = by_reference.find(reference);
      if (found == by_reference.end() ||
          !related.insert(found->second).second) {
        continue;
      }
      query.passages.push_back(
          {firsts[found->second].title, firsts[found->second].text, 2});
    }
    if (related.size() == 1) continue;
    const std::set<std::string> words = ContentWords(page.summary);
    bool has_grade_1 = false;
    std::vector<int> unrelated;
    for (const int q : index.Rank(page.summary)) {
      if (related.count(q) > 0) continue;
      if (!SharesWord(words, first_terms[q])) {
        unrelated.push_back(q);
      } else if (pages[q].parsed.section == page.section) {
        query.passages.push_back({firsts[q].title, firsts[q].text, 1});
        has_grade_1 = true;
      }
    }
    if (!has_grade_1 || unrelated.empty()) continue;
    Rng(seed, static_cast<uint64_t>(p)).Shuffle(&unrelated);
    for (const int q : unrelated) {
      query.passages.push_back({firsts[q].title, firsts[q].text, 0});
    }
    queries.push_back(std::move(query));
  }
  if (queries.empty()) {
    throw std::invalid_argument(
        "re-rank proxy: no query could be made (not a man page corpus?)");
  }
  return queries;
}

}  // namespace prolong::data
