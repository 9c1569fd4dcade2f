// Small built-in English word lists for RULER's "adjective-noun" keys
// (RULER draws them from the wonderwords package's lists).
#ifndef PROLONG_DATA_TASKS_WORD_LISTS_H_
#define PROLONG_DATA_TASKS_WORD_LISTS_H_

#include <string>
#include <vector>

namespace prolong::data {

// Distinct lower-case adjectives; at least 100.
const std::vector<std::string>& Adjectives();

// Distinct lower-case nouns; at least 100.
const std::vector<std::string>& Nouns();

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_WORD_LISTS_H_
