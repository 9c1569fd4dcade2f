// Reading HELMET-style JSON Lines data (the fields HELMET's data.py loaders
// use), so HELMET's own files can be scored or turned into prompts.
#ifndef PROLONG_DATA_TASKS_HELMET_JSONL_H_
#define PROLONG_DATA_TASKS_HELMET_JSONL_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "data/json/value.h"
#include "data/tasks/icl.h"

namespace prolong::data {

// One passage of a row's "ctxs": "title" and "text"; re-rank rows add "id"
// and a graded "label" (absent fields read as empty / 0).
struct HelmetContext {
  std::string id;
  std::string title;
  std::string text;
  int label = 0;
};

// One row of a JSON KV, RAG or re-rank file.
struct HelmetRow {
  std::string id;                    // "id", else "qid"; may be empty
  std::string question;              // "question", else "query"
  std::vector<std::string> answers;  // see AnswerList
  // "context"; without it, the "ctxs" formatted HELMET's way,
  // "Document (Title: {title}): {text}" joined by "\n\n".
  std::string context;
  std::vector<HelmetContext> ctxs;  // "ctxs"
  // JSON KV's "demos": [[key, value], ...].
  std::vector<std::pair<std::string, std::string>> demos;
};

// The rows of a JSON Lines text (blank lines skipped). Throws
// std::runtime_error naming the 1-based line of a malformed row.
std::vector<json::Value> ParseJsonLines(std::string_view jsonl);

// A row's gold answers: "answers", else "answer"; each a string, an
// integer or a list of them (integers in decimal). Empty when neither field
// is present.
std::vector<std::string> AnswerList(const json::Value& row);

std::vector<HelmetRow> ReadHelmetRows(std::string_view jsonl);

// ICL rows: "text" and "label" (a string or an integer).
std::vector<LabelledText> ReadLabelledTexts(std::string_view jsonl);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_HELMET_JSONL_H_
