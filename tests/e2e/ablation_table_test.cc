// Checks an ablation's printed table against its results files: one row per
// variant, and every (category, length) cell equals the mean of the scores
// stored in that variant's results.h5 for the category's tasks.
//
//   ablation_table_test TABLE.md VARIANT=RESULTS.h5...
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "data/io/atomic_file.h"
#include "experiments/eval/results.h"

namespace prolong {
namespace {

std::vector<std::string> g_args;

std::string Cell(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f", value);
  return text;
}

TEST(AblationTable, RowsComeFromResultsFiles) {
  ASSERT_GE(g_args.size(), 2u) << "usage: TABLE.md VARIANT=RESULTS.h5...";
  const std::string table = io::ReadFile(g_args[0]);
  for (size_t i = 1; i < g_args.size(); ++i) {
    const size_t equals = g_args[i].find('=');
    ASSERT_NE(equals, std::string::npos) << g_args[i];
    const std::string variant = g_args[i].substr(0, equals);
    const eval::ResultsSummary summary =
        eval::ReadResultsSummary(g_args[i].substr(equals + 1));
    ASSERT_FALSE(summary.rows.empty()) << g_args[i];
    const size_t row_start = table.find("| " + variant + " |");
    ASSERT_NE(row_start, std::string::npos)
        << "no row for " << variant << " in\n"
        << table;
    const std::string row =
        table.substr(row_start, table.find('\n', row_start) - row_start);
    // (category, length) -> (sum, count) of the tasks' scores.
    std::map<std::pair<std::string, int>, std::pair<double, int>> cells;
    for (const auto& result : summary.rows) {
      EXPECT_GE(result.score, 0.0) << result.task;
      EXPECT_LE(result.score, 100.0) << result.task;
      auto& cell = cells[{result.category, result.length}];
      cell.first += result.score;
      ++cell.second;
    }
    for (const auto& [key, cell] : cells) {
      const std::string text = Cell(cell.first / cell.second);
      EXPECT_NE(row.find(" " + text + " |"), std::string::npos)
          << key.first << "@" << key.second << " mean " << text
          << " missing from row: " << row;
    }
  }
}

}  // namespace
}  // namespace prolong

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) prolong::g_args.push_back(argv[i]);
  return RUN_ALL_TESTS();
}
