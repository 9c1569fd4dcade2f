// Checks an ablation's printed table against its results files: one row per
// variant, and every score cell equals the score stored in results.h5.
//
//   ablation_table_test TABLE.md RESULTS.h5...
#include <gtest/gtest.h>

#include <cstdio>
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
  ASSERT_GE(g_args.size(), 2u) << "usage: TABLE.md RESULTS.h5...";
  const std::string table = io::ReadFile(g_args[0]);
  for (size_t i = 1; i < g_args.size(); ++i) {
    const eval::ResultsSummary summary = eval::ReadResultsSummary(g_args[i]);
    ASSERT_FALSE(summary.rows.empty()) << g_args[i];
    const size_t row_start = table.find("| " + summary.variant + " |");
    ASSERT_NE(row_start, std::string::npos)
        << "no row for " << summary.variant << " in\n"
        << table;
    const std::string row =
        table.substr(row_start, table.find('\n', row_start) - row_start);
    for (const auto& result : summary.rows) {
      EXPECT_GE(result.score, 0.0);
      EXPECT_LE(result.score, 100.0);
      EXPECT_NE(row.find(" " + Cell(result.score) + " |"), std::string::npos)
          << result.task << "@" << result.length << " score "
          << Cell(result.score) << " missing from row: " << row;
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
