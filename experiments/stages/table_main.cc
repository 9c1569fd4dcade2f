// Assembles a Markdown table from results files; no cell is typed by hand.
//
//   table_main --results=a.h5,b.h5 --title="..." --out=table.md
//
// One row per results file (its variant), one column per (category,
// length), then the average over lengths per category and the macro-average
// over categories (HELMET's and the paper's way of averaging).
#include <gflags/gflags.h>
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "data/io/atomic_file.h"
#include "experiments/eval/results.h"
#include "experiments/stages/stage_main.h"
#include "paper/reference.pb.h"

DEFINE_string(results, "", "Comma-separated results files (HDF5).");
DEFINE_string(title, "", "Table title.");
DEFINE_string(note, "", "Note printed under the table.");
DEFINE_string(paper, "",
              "The paper's numbers for this table (paper/reference.proto, "
              "text format); shown beside ours, labelled.");
DEFINE_string(out, "", "Output Markdown table.");

namespace prolong::stages {
namespace {

std::string Cell(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f", value);
  return text;
}

paper::PaperTable ReadPaperTable(const std::string& path) {
  paper::PaperTable table;
  if (!google::protobuf::TextFormat::ParseFromString(io::ReadFile(path),
                                                     &table)) {
    throw std::runtime_error(path + ": not a PaperTable in text format");
  }
  return table;
}

const paper::PaperRow* PaperRowFor(const paper::PaperTable& table,
                                   const std::string& variant) {
  for (const auto& row : table.rows()) {
    if (row.variant() == variant) return &row;
  }
  return nullptr;
}

std::string PaperCell(const paper::PaperRow* row, const std::string& key) {
  if (row == nullptr) return " – |";
  const auto found = row->scores().find(key);
  return found == row->scores().end() ? " – |"
                                      : " " + Cell(found->second) + " |";
}

// The paper's whole table, every column it reports, in the paper's order
// of categories (Avg last).
std::string PaperTableMarkdown(const paper::PaperTable& table) {
  static const std::vector<std::string> kOrder = {
      "Recall", "RAG", "Re-rank", "ICL", "QA", "Summ", "Avg", "Short"};
  std::vector<std::string> columns;
  for (const auto& key : kOrder) {
    for (const auto& row : table.rows()) {
      if (row.scores().count(key) > 0) {
        columns.push_back(key);
        break;
      }
    }
  }
  std::string out = "Paper, " + table.id() + " (" + table.setting() + "):\n\n";
  out += "| Paper row | Our variant |";
  std::string rule = "|---|---|";
  for (const auto& column : columns) {
    out += " " + column + " |";
    rule += "---:|";
  }
  out += "\n" + rule + "\n";
  for (const auto& row : table.rows()) {
    out += "| " + row.label() + " | " +
           (row.variant().empty() ? "–" : row.variant()) + " |";
    for (const auto& column : columns) out += PaperCell(&row, column);
    out += "\n";
  }
  return out;
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
  paper::PaperTable paper_table;
  const bool with_paper = !FLAGS_paper.empty();
  if (with_paper) {
    paper_table = ReadPaperTable(FLAGS_paper);
    for (const auto& category : categories) {
      header += " Paper " + category + " |";
      rule += "---:|";
    }
    header += " Paper Avg |";
    rule += "---:|";
  }
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
    if (with_paper) {
      const paper::PaperRow* paper_row =
          PaperRowFor(paper_table, summary.variant);
      for (const auto& category : categories) {
        line += PaperCell(paper_row, category);
      }
      line += PaperCell(paper_row, "Avg");
    }
    table += line + "\n";
  }
  table += "\nDatasets: ";
  for (size_t i = 0; i < categories.size(); ++i) {
    table += (i > 0 ? "; " : "") + categories[i] + " = " +
             category_tasks[categories[i]];
  }
  table += ". Scores ×100, from the results files.\n";
  if (with_paper) {
    table += "\nColumns \"Paper ...\" are the paper's numbers (" +
             paper_table.id() +
             "), not ours; \"Paper Avg\" averages all six of the paper's "
             "categories.\n\n" +
             PaperTableMarkdown(paper_table);
  }
  if (!FLAGS_note.empty()) table += "\n" + FLAGS_note + "\n";
  io::WriteFileAtomically(FLAGS_out, table);
}

}  // namespace
}  // namespace prolong::stages

int main(int argc, char** argv) {
  return prolong::stages::RunStage(argc, argv, "Builds a results table.",
                                   prolong::stages::BuildTable);
}
