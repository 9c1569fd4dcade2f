// Assembles a Markdown table from results files; no cell is typed by hand.
//
//   table_main --results=a.h5,b.h5 [--labels=x,y] --title="..." --out=table.md
//
// One row per variant: a results file's --labels entry, or the variant it
// records (files of one label merge into one row); see experiments/report/
// results_table.h for the columns and how they are averaged.
#include <gflags/gflags.h>

#include <stdexcept>

#include "data/io/atomic_file.h"
#include "experiments/eval/results.h"
#include "experiments/report/results_table.h"
#include "experiments/stages/stage_main.h"

DEFINE_string(results, "", "Comma-separated results files (HDF5).");
DEFINE_string(labels, "",
              "Comma-separated row labels, one per results file (optional; "
              "default: the variant each file records).");
DEFINE_string(title, "", "Table title.");
DEFINE_string(note, "", "Note printed under the table.");
DEFINE_string(paper, "",
              "The paper's numbers for this table (paper/reference.proto, "
              "text format); shown beside ours, labelled.");
DEFINE_string(out, "", "Output Markdown table.");

namespace prolong::stages {
namespace {

void BuildTable() {
  RequireFlag("results", FLAGS_results);
  RequireFlag("out", FLAGS_out);
  const std::vector<std::string> paths = SplitList(FLAGS_results);
  const std::vector<std::string> labels = SplitList(FLAGS_labels);
  if (!labels.empty() && labels.size() != paths.size()) {
    throw std::invalid_argument(
        "--labels has " + std::to_string(labels.size()) + " entries for " +
        std::to_string(paths.size()) + " results files");
  }
  std::vector<eval::ResultsSummary> summaries;
  for (size_t i = 0; i < paths.size(); ++i) {
    summaries.push_back(eval::ReadResultsSummary(paths[i]));
    if (!labels.empty()) summaries.back().variant = labels[i];
  }
  const report::ResultsTable table = report::AssembleTable(summaries);
  paper::PaperTable paper_table;
  if (!FLAGS_paper.empty()) paper_table = report::ReadPaperTable(FLAGS_paper);
  io::WriteFileAtomically(
      FLAGS_out, report::TableMarkdown(
                     table, FLAGS_title,
                     FLAGS_paper.empty() ? nullptr : &paper_table, FLAGS_note));
}

}  // namespace
}  // namespace prolong::stages

int main(int argc, char** argv) {
  return prolong::stages::RunStage(argc, argv, "Builds a results table.",
                                   prolong::stages::BuildTable);
}
