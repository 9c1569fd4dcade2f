#include "experiments/report/line_chart.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace prolong::report {
namespace {

LineChart Chart() {
  LineChart chart;
  chart.title = "Long/short ratio";
  chart.x_label = "variant";
  chart.x_labels = {"long_0", "long_60", "long_100"};
  chart.panels = {{"Avg", {10.0, 30.0, 20.0}},
                  {"Perplexity (lower is better)", {50.0, std::nullopt, 40.0}}};
  chart.caption = "preset micro";
  return chart;
}

int Count(const std::string& text, const std::string& what) {
  int count = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
}

TEST(LineChart, DrawsOnePointPerPresentValueAndOneLinePerPanel) {
  const std::string svg = RenderSvg(Chart());
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_EQ(Count(svg, "<polyline"), 2);
  EXPECT_EQ(Count(svg, "<circle"), 5);  // one value is missing
  // The highest value of the first panel is at its top, the lowest at its
  // bottom: below the 30-unit title, plot top 30 + 28 = 58, bottom
  // 30 + 180 - 56 = 154, x from 48 to 260 - 16 = 244.
  EXPECT_NE(svg.find("points=\"48.00,154.00 146.00,58.00 244.00,106.00\""),
            std::string::npos)
      << svg;
  EXPECT_NE(svg.find("long_60"), std::string::npos);
}

TEST(LineChart, IsAPureFunctionOfItsInput) {
  EXPECT_EQ(RenderSvg(Chart()), RenderSvg(Chart()));
}

TEST(LineChart, EscapesText) {
  LineChart chart = Chart();
  chart.title = "a < b & c";
  EXPECT_NE(RenderSvg(chart).find("a &lt; b &amp; c"), std::string::npos);
}

TEST(LineChart, RejectsAPanelWithTheWrongNumberOfValues) {
  LineChart chart = Chart();
  chart.panels[1].values.pop_back();
  EXPECT_THROW(RenderSvg(chart), std::invalid_argument);
}

}  // namespace
}  // namespace prolong::report
