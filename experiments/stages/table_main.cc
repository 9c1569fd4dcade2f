// Assembles a Markdown table from results files; no cell is typed by hand.
//
//   table_main --results=a.h5,b.h5 --title="..." --out=table.md
//
// One row per results file (its variant), one column per (category,
// length), then the average over lengths per category and the macro-average
// over categories (HELMET's and the paper's way of averaging).
#include <gflags/gflags.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "data/io/atomic_file.h"
#include "experiments/eval/results.h"
#include "experiments/stages/stage_main.h"

DEFINE_string(results, "", "Comma-separated results files (HDF5).");
DEFINE_string(title, "", "Table title.");
DEFINE_string(note, "", "Note printed under the table.");
DEFINE_string(out, "", "Output Markdown table.");

namespace prolong::stages {
namespace {

std::string Cell(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f", value);
  return text;
}

void BuildTable() {
  RequireFlag("results", FLAGS_results);
  RequireFlag("out", FLAGS_out);
  std::vector<eval::ResultsSummary> summaries;
  std::vector<std::string> paths = SplitList(FLAGS_results);
  for (const auto& path : paths) {
    summaries.push_back(eval::ReadResultsSummary(path));
  }
  // Columns: categories in first-seen order, lengths ascending.
  std::vector<std::string> categories;
  std::set<int> lengths;
  std::map<std::string, std::string> category_tasks;
  for (const auto& summary : summaries) {
    for (const auto& row : summary.rows) {
      if (std::find(categories.begin(), categories.end(), row.category) ==
          categories.end()) {
        categories.push_back(row.category);
      }
      auto& tasks = category_tasks[row.category];
      if (tasks.find(row.task) == std::string::npos) {
        tasks += (tasks.empty() ? "" : ", ") + row.task;
      }
      lengths.insert(row.length);
    }
  }
  std::string table;
  if (!FLAGS_title.empty()) table += "### " + FLAGS_title + "\n\n";
  std::string header = "| Variant |", rule = "|---|";
  for (const auto& category : categories) {
    for (const int length : lengths) {
      header += " " + category + " @" + std::to_string(length) + " |";
      rule += "---:|";
    }
  }
  header += " Avg |";
  rule += "---:|";
  table += header + "\n" + rule + "\n";
  for (const auto& summary : summaries) {
    std::string line = "| " + summary.variant + " |";
    double category_sum = 0.0;
    for (const auto& category : categories) {
      double length_sum = 0.0;
      int length_count = 0;
      for (const int length : lengths) {
        // Category score at a length = mean of its datasets there.
        double sum = 0.0;
        int count = 0;
        for (const auto& row : summary.rows) {
          if (row.category == category && row.length == length) {
            sum += row.score;
            ++count;
          }
        }
        if (count == 0) {
          line += " – |";
          continue;
        }
        line += " " + Cell(sum / count) + " |";
        length_sum += sum / count;
        ++length_count;
      }
      category_sum += length_count > 0 ? length_sum / length_count : 0.0;
    }
    line += " " +
            Cell(categories.empty() ? 0.0 : category_sum / categories.size()) +
            " |";
    table += line + "\n";
  }
  table += "\nDatasets: ";
  for (size_t i = 0; i < categories.size(); ++i) {
    table += (i > 0 ? "; " : "") + categories[i] + " = " +
             category_tasks[categories[i]];
  }
  table += ". Scores ×100, from the results files.\n";
  if (!FLAGS_note.empty()) table += "\n" + FLAGS_note + "\n";
  io::WriteFileAtomically(FLAGS_out, table);
}

}  // namespace
}  // namespace prolong::stages

int main(int argc, char** argv) {
  return prolong::stages::RunStage(argc, argv, "Builds a results table.",
                                   prolong::stages::BuildTable);
}
