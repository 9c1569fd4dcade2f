// Helpers for the task generator tests: simple token counters and
// deterministic prose.
#ifndef PROLONG_TESTS_DATA_TASKS_TEST_TEXT_H_
#define PROLONG_TESTS_DATA_TASKS_TEST_TEXT_H_

#include <string>

#include "data/tasks/eval_sample.h"

namespace prolong::data {

// Whitespace-separated words.
TokenCounter WordCounter();
// One token per 4 bytes, rounded up.
TokenCounter CharCounter();

// `sentences` sentences of made-up prose; sentence i mentions "Item{i}" and
// the number 1000 + i, and every 5th sentence ends a paragraph ("\n\n").
std::string Prose(int sentences);

// Occurrences of `part` in `text`.
int Count(const std::string& text, const std::string& part);

}  // namespace prolong::data

#endif  // PROLONG_TESTS_DATA_TASKS_TEST_TEXT_H_
