#include "experiments/report/line_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace prolong::report {
namespace {

// Panel geometry in SVG user units.
constexpr double kPanelWidth = 260, kPanelHeight = 180;
constexpr double kMarginLeft = 48, kMarginRight = 16;
constexpr double kMarginTop = 28, kMarginBottom = 56;
constexpr double kTitleHeight = 30, kCaptionHeight = 24;

std::string Number(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.2f", value);
  return text;
}

std::string Escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Text(double x, double y, const std::string& text,
                 const std::string& anchor, int size) {
  return "<text x=\"" + Number(x) + "\" y=\"" + Number(y) +
         "\" text-anchor=\"" + anchor + "\" font-size=\"" +
         std::to_string(size) + "\">" + Escape(text) + "</text>\n";
}

// The panel at (left, top): axes, y ticks at min/mid/max, the line and its
// points, x labels under the axis.
std::string Panel(const ChartPanel& panel,
                  const std::vector<std::string>& x_labels, double left,
                  double top) {
  const double plot_left = left + kMarginLeft;
  const double plot_right = left + kPanelWidth - kMarginRight;
  const double plot_top = top + kMarginTop;
  const double plot_bottom = top + kPanelHeight - kMarginBottom;
  std::string out =
      Text(left + kPanelWidth / 2, top + 16, panel.title, "middle", 12);
  out += "<rect x=\"" + Number(plot_left) + "\" y=\"" + Number(plot_top) +
         "\" width=\"" + Number(plot_right - plot_left) + "\" height=\"" +
         Number(plot_bottom - plot_top) +
         "\" fill=\"none\" stroke=\"#888\"/>\n";
  double low = INFINITY, high = -INFINITY;
  for (const auto& value : panel.values) {
    if (!value) continue;
    low = std::min(low, *value);
    high = std::max(high, *value);
  }
  const size_t n = x_labels.size();
  const auto x_at = [&](size_t i) {
    return n == 1 ? (plot_left + plot_right) / 2
                  : plot_left + (plot_right - plot_left) * i / (n - 1);
  };
  for (size_t i = 0; i < n; ++i) {
    out += Text(x_at(i), plot_bottom + 14, x_labels[i], "middle", 9);
  }
  if (low > high) {
    return out + Text((plot_left + plot_right) / 2,
                      (plot_top + plot_bottom) / 2, "no results", "middle", 10);
  }
  // A flat line sits in the middle of a unit range.
  if (high - low < 1e-9) {
    low -= 0.5;
    high += 0.5;
  }
  const auto y_at = [&](double value) {
    return plot_bottom -
           (plot_bottom - plot_top) * (value - low) / (high - low);
  };
  for (const double tick : {low, (low + high) / 2, high}) {
    out += Text(plot_left - 4, y_at(tick) + 3, Number(tick), "end", 9);
  }
  std::string points;
  for (size_t i = 0; i < n; ++i) {
    if (!panel.values[i]) continue;
    const std::string x = Number(x_at(i)), y = Number(y_at(*panel.values[i]));
    points += (points.empty() ? "" : " ") + x + "," + y;
    out += "<circle cx=\"" + x + "\" cy=\"" + y +
           "\" r=\"3\" fill=\"#1f4e9c\"/>\n";
  }
  out += "<polyline points=\"" + points +
         "\" fill=\"none\" stroke=\"#1f4e9c\" stroke-width=\"1.5\"/>\n";
  return out;
}

}  // namespace

std::string RenderSvg(const LineChart& chart) {
  for (const auto& panel : chart.panels) {
    if (panel.values.size() != chart.x_labels.size()) {
      throw std::invalid_argument(
          "chart \"" + chart.title + "\": panel \"" + panel.title + "\" has " +
          std::to_string(panel.values.size()) + " values for " +
          std::to_string(chart.x_labels.size()) + " x labels");
    }
  }
  const size_t columns =
      std::min<size_t>(3, std::max<size_t>(1, chart.panels.size()));
  const size_t rows = (chart.panels.size() + columns - 1) / columns;
  const double width = columns * kPanelWidth;
  const double height =
      kTitleHeight + std::max<size_t>(rows, 1) * kPanelHeight + kCaptionHeight;
  std::string out =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + Number(width) +
      "\" height=\"" + Number(height) + "\" viewBox=\"0 0 " + Number(width) +
      " " + Number(height) +
      "\" font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" "
      "fill=\"white\"/>\n";
  out += Text(width / 2, 20, chart.title, "middle", 15);
  for (size_t i = 0; i < chart.panels.size(); ++i) {
    out += Panel(chart.panels[i], chart.x_labels, (i % columns) * kPanelWidth,
                 kTitleHeight + (i / columns) * kPanelHeight);
  }
  const double bottom = height - kCaptionHeight;
  out += Text(width / 2, bottom + 2, chart.x_label, "middle", 11);
  out += Text(width / 2, bottom + 18, chart.caption, "middle", 10);
  return out + "</svg>\n";
}

}  // namespace prolong::report
