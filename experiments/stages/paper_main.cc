// Assembles every ablation's table and the reproduction report.
//
//   paper_main --spec=report.textproto --markdown=tables.md --latex=tables.tex
//       --csv=tables.csv --reproduction=REPRODUCTION.md
//
// REPRODUCTION.md states, for each of the paper's findings, whether its
// direction holds in our results at this preset, with our numbers and the
// paper's side by side. Every number comes from a results file or, labelled,
// from paper/reference/.
#include <gflags/gflags.h>
#include <google/protobuf/text_format.h>

#include <cstdio>
#include <map>

#include "data/io/atomic_file.h"
#include "experiments/config/config_io.h"
#include "experiments/eval/results.h"
#include "experiments/report/line_chart.h"
#include "experiments/report/results_table.h"
#include "experiments/stages/stage_main.h"
#include "paper/report.pb.h"

DEFINE_string(spec, "", "ReportSpec (paper/report.proto, text format).");
DEFINE_string(markdown, "", "Output: all tables, Markdown.");
DEFINE_string(latex, "", "Output: all tables, LaTeX.");
DEFINE_string(csv, "", "Output: all scores, CSV.");
DEFINE_string(reproduction, "", "Output: REPRODUCTION.md.");

namespace prolong::stages {
namespace {

struct LoadedTable {
  paper::TableSpec spec;
  report::ResultsTable table;
  paper::PaperTable paper;
  bool has_paper = false;
};

std::string Score(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f", value);
  return text;
}

std::string PaperScore(const LoadedTable& table, const std::string& variant,
                       const std::string& column) {
  if (!table.has_paper) return "–";
  for (const auto& row : table.paper.rows()) {
    const auto score = row.scores().find(column);
    if (row.variant() == variant && score != row.scores().end()) {
      return Score(score->second);
    }
  }
  return "–";
}

std::string FindingReport(const paper::Finding& finding,
                          const std::map<std::string, LoadedTable>& tables,
                          int* held, int* checked) {
  std::string out = "### " + finding.statement() + "\n\n";
  const auto found = tables.find(finding.table());
  if (found == tables.end()) {
    throw std::runtime_error("finding \"" + finding.statement() +
                             "\" names unknown table " + finding.table());
  }
  const LoadedTable& table = found->second;
  const report::VariantRow* better = table.table.Row(finding.better());
  if (better == nullptr) {
    throw std::runtime_error("finding \"" + finding.statement() +
                             "\": no results for variant " + finding.better());
  }
  const std::string& column = finding.column();
  const bool higher_is_better = report::HigherIsBetter(column);
  out +=
      "Ablation `" + finding.table() + "`, " +
      (column == "Avg" ? std::string("macro-average over categories")
                       : "column " + column +
                             (higher_is_better ? "" : " (lower is better)")) +
      ":\n\n";
  out += "| Variant | Ours | Paper |\n|---|---:|---:|\n";
  const double better_score = better->Column(column);
  out += "| " + finding.better() + " (paper: better) | " + Score(better_score) +
         " | " + PaperScore(table, finding.better(), column) + " |\n";
  bool holds = true, tie = true;
  for (const auto& worse_name : finding.worse()) {
    const report::VariantRow* worse = table.table.Row(worse_name);
    if (worse == nullptr) {
      throw std::runtime_error("finding \"" + finding.statement() +
                               "\": no results for variant " + worse_name);
    }
    const double worse_score = worse->Column(column);
    out += "| " + worse_name + " | " + Score(worse_score) + " | " +
           PaperScore(table, worse_name, column) + " |\n";
    holds &= higher_is_better ? better_score > worse_score
                              : better_score < worse_score;
    tie &= Score(better_score) == Score(worse_score);
  }
  ++*checked;
  std::string verdict;
  if (tie) {
    verdict = "**Not shown at this scale**: the scores tie (" +
              Score(better->Column(column)) + ").";
  } else if (holds) {
    verdict = "**Holds**: " + finding.better() + " scores " +
              (higher_is_better ? "highest." : "lowest.");
    ++*held;
  } else {
    verdict = "**Does not hold** at this scale.";
  }
  return out + "\n" + verdict + "\n\n";
}

// The figure's chart: one panel per column, x = the table's variants.
report::LineChart FigureChart(const paper::FigureSpec& figure,
                              const std::map<std::string, LoadedTable>& tables,
                              const std::string& preset) {
  const auto found = tables.find(figure.table());
  if (found == tables.end()) {
    throw std::runtime_error("figure " + figure.name() +
                             " names unknown table " + figure.table());
  }
  const report::ResultsTable& table = found->second.table;
  report::LineChart chart;
  chart.title = figure.title();
  chart.x_label = "variant (ablation " + figure.table() + ")";
  chart.caption = "Our results at preset " + preset +
                  ", from the results files; proxies as in the table's note.";
  for (const auto& row : table.rows) chart.x_labels.push_back(row.variant);
  for (const auto& column : figure.columns()) {
    report::ChartPanel panel;
    panel.title = column == "Avg" ? "Avg (long-context categories)" : column;
    if (!report::HigherIsBetter(column)) panel.title += " (lower is better)";
    for (const auto& row : table.rows) {
      const bool present = column == "Avg"
                               ? row.category_means.size() > 0
                               : row.category_means.count(column) > 0;
      panel.values.push_back(present ? std::optional<double>(row.Column(column))
                                     : std::nullopt);
    }
    chart.panels.push_back(std::move(panel));
  }
  return chart;
}

void BuildReport() {
  RequireFlag("spec", FLAGS_spec);
  paper::ReportSpec spec;
  config::ParseConfigText(config::ReadConfigFile(FLAGS_spec), FLAGS_spec,
                          &spec);
  std::map<std::string, LoadedTable> tables;
  std::string markdown =
      "# prolong: the paper's tables at preset `" + spec.preset() + "`\n\n";
  std::string latex, csv = "table,variant,category,length,score\n";
  for (const auto& table_spec : spec.tables()) {
    LoadedTable loaded;
    loaded.spec = table_spec;
    std::vector<eval::ResultsSummary> summaries;
    if (table_spec.labels_size() > 0 &&
        table_spec.labels_size() != table_spec.results_size()) {
      throw std::runtime_error(
          "table " + table_spec.name() + ": " +
          std::to_string(table_spec.labels_size()) + " labels for " +
          std::to_string(table_spec.results_size()) + " results files");
    }
    for (int i = 0; i < table_spec.results_size(); ++i) {
      summaries.push_back(eval::ReadResultsSummary(table_spec.results(i)));
      if (table_spec.labels_size() > 0) {
        summaries.back().variant = table_spec.labels(i);
      }
    }
    loaded.table = report::AssembleTable(summaries);
    if (table_spec.has_paper()) {
      loaded.paper = report::ReadPaperTable(table_spec.paper());
      loaded.has_paper = true;
    }
    markdown +=
        report::TableMarkdown(loaded.table, table_spec.title(),
                              loaded.has_paper ? &loaded.paper : nullptr,
                              table_spec.note()) +
        "\n";
    latex += report::TableLatex(loaded.table, table_spec.title()) + "\n";
    csv += report::TableCsv(loaded.table, table_spec.name());
    tables[table_spec.name()] = std::move(loaded);
  }
  int held = 0, checked = 0;
  std::string findings;
  for (const auto& finding : spec.findings()) {
    findings += FindingReport(finding, tables, &held, &checked);
  }
  for (const auto& figure : spec.figures()) {
    io::WriteFileAtomically(figure.out(), report::RenderSvg(FigureChart(
                                              figure, tables, spec.preset())));
  }
  const std::string reproduction =
      "# Which of the paper's findings hold at preset `" + spec.preset() +
      "`\n\nGenerated from the results files by //paper:tables; no number is "
      "typed by hand (the paper's come from paper/reference/). Our scores "
      "are HELMET-style macro-averages over the categories we evaluate "
      "(see each table's datasets line); the paper's \"Avg\" covers its six "
      "categories. Small presets train tiny models for minutes: a finding "
      "that does not hold here has not been refuted, only not reproduced "
      "at this scale. A finding that holds by a point or two may be sampling "
      "noise: this preset scores " +
      std::to_string(spec.eval_samples()) +
      " samples per task and length, and " +
      std::to_string(spec.lm_eval_samples()) +
      " per multiple-choice task.\n\n**" + std::to_string(held) + " of " +
      std::to_string(checked) + " findings hold at this scale.**\n\n" +
      findings;
  if (!FLAGS_markdown.empty())
    io::WriteFileAtomically(FLAGS_markdown, markdown);
  if (!FLAGS_latex.empty()) io::WriteFileAtomically(FLAGS_latex, latex);
  if (!FLAGS_csv.empty()) io::WriteFileAtomically(FLAGS_csv, csv);
  if (!FLAGS_reproduction.empty()) {
    io::WriteFileAtomically(FLAGS_reproduction, reproduction);
  }
  std::fprintf(stderr,
               "[paper] %zu tables, %d figures, %d of %d findings hold\n",
               tables.size(), spec.figures_size(), held, checked);
}

}  // namespace
}  // namespace prolong::stages

int main(int argc, char** argv) {
  return prolong::stages::RunStage(argc, argv, "Builds the paper's tables.",
                                   prolong::stages::BuildReport);
}
