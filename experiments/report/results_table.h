// A table of results assembled from results files (never typed by hand):
// one row per variant (the rows of every results file with that variant
// name, e.g. HELMET after SFT and the short-context suite before it), one
// column per (category, length), the mean over lengths per category, and
// the macro-average over the long-context (HELMET) categories, as HELMET
// and the paper average. Other categories ("Short", the short-context
// suite like the paper's "Short" column; "Perplexity", lower is better;
// "NIAH") are shown beside the average, never in it. Rendered as Markdown (with the
// paper's numbers beside ours, labelled), CSV and LaTeX.
#ifndef PROLONG_EXPERIMENTS_REPORT_RESULTS_TABLE_H_
#define PROLONG_EXPERIMENTS_REPORT_RESULTS_TABLE_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "experiments/eval/results.h"
#include "paper/reference.pb.h"

namespace prolong::report {

// Whether `category` is one of HELMET's six long-context categories as the
// paper names them (Recall, RAG, Re-rank, ICL, QA, Summ), which the average
// is taken over; any other ("Short", "Short acc", "Perplexity", "Short
// perplexity", "NIAH") is a column of its own.
bool InAverage(const std::string& category);

// Whether a higher score is better in `category` (all but "Perplexity" and
// "Short perplexity").
bool HigherIsBetter(const std::string& category);

struct VariantRow {
  std::string variant;
  // (category, length) -> mean of the category's datasets at that length.
  std::map<std::pair<std::string, int>, double> cells;
  // category -> mean over lengths.
  std::map<std::string, double> category_means;
  double average = 0.0;  // macro-average over InAverage categories
  // The score a finding compares: the average for "Avg", else the
  // category's mean over lengths. Throws when the row has no such column.
  double Column(const std::string& column) const;
};

struct ResultsTable {
  std::vector<std::string> categories;                   // first-seen order
  std::vector<int> lengths;                              // ascending
  // The lengths each category was evaluated at, ascending.
  std::map<std::string, std::vector<int>> category_lengths;
  std::map<std::string, std::string> category_datasets;  // "json_kv, ..."
  std::vector<VariantRow> rows;  // in the order of the summaries

  const VariantRow* Row(const std::string& variant) const;
};

ResultsTable AssembleTable(const std::vector<eval::ResultsSummary>& summaries);

// Reads a paper/reference.proto text file; errors name the file.
paper::PaperTable ReadPaperTable(const std::string& path);

// Markdown: a title, our table (with "Paper <category>" columns when
// `paper` is given), a datasets line, the paper's whole table, the note.
std::string TableMarkdown(const ResultsTable& table, const std::string& title,
                          const paper::PaperTable* paper,
                          const std::string& note);

// CSV rows "table,variant,category,length,score" (length "all" for the
// category means, category "Avg" for the macro-average).
std::string TableCsv(const ResultsTable& table, const std::string& name);

// A LaTeX tabular of our numbers (booktabs), with a caption.
std::string TableLatex(const ResultsTable& table, const std::string& title);

}  // namespace prolong::report

#endif  // PROLONG_EXPERIMENTS_REPORT_RESULTS_TABLE_H_
