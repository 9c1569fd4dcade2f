// Figures as SVG, drawn from results (never typed by hand): small
// multiples, one panel per column (a category, "Avg" or "Perplexity"),
// each a line over the same ordered x values (a table's variants, e.g. the
// long-data share of Figure 1/3 or the checkpoints of Figure 4). Each
// panel has its own y range, so perplexity and scores ×100 can sit side by
// side. The output is a pure function of the input (fixed number
// formatting), so figures are as reproducible as the tables.
#ifndef PROLONG_EXPERIMENTS_REPORT_LINE_CHART_H_
#define PROLONG_EXPERIMENTS_REPORT_LINE_CHART_H_

#include <optional>
#include <string>
#include <vector>

namespace prolong::report {

struct ChartPanel {
  std::string title;  // e.g. "Perplexity (lower is better)"
  // One value per x label; nullopt where the variant has no such column.
  std::vector<std::optional<double>> values;
};

struct LineChart {
  std::string title;
  std::string x_label;
  std::vector<std::string> x_labels;
  std::vector<ChartPanel> panels;
  std::string caption;  // printed under the panels (e.g. the preset)
};

// The chart as a standalone SVG document. Throws std::invalid_argument when
// a panel's values do not match the x labels.
std::string RenderSvg(const LineChart& chart);

}  // namespace prolong::report

#endif  // PROLONG_EXPERIMENTS_REPORT_LINE_CHART_H_
