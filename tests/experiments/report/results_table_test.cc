#include "experiments/report/results_table.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace prolong::report {
namespace {

eval::ResultsSummary Summary(const std::string& variant,
                             std::vector<eval::SummaryRow> rows) {
  eval::ResultsSummary summary;
  summary.variant = variant;
  summary.rows = std::move(rows);
  return summary;
}

// Two variants, each with a HELMET results file (after SFT) and a
// short-suite results file (before SFT).
std::vector<eval::ResultsSummary> TwoVariants() {
  return {
      Summary("a", {{"json_kv", "Recall", 1024, 40.0},
                    {"json_kv", "Recall", 2048, 20.0},
                    {"rag_proxy", "RAG", 1024, 10.0},
                    {"rag_proxy", "RAG", 2048, 30.0}}),
      Summary("b", {{"json_kv", "Recall", 1024, 0.0},
                    {"json_kv", "Recall", 2048, 0.0},
                    {"rag_proxy", "RAG", 1024, 50.0},
                    {"rag_proxy", "RAG", 2048, 50.0}}),
      Summary("a", {{"mc_continuation", "Short", 256, 60.0},
                    {"ppl_books", "Perplexity", 1024, 12.5}}),
      Summary("b", {{"mc_continuation", "Short", 256, 30.0},
                    {"ppl_books", "Perplexity", 1024, 9.5}}),
  };
}

TEST(ResultsTable, MergesTheFilesOfAVariantAndAveragesOnlyLongContext) {
  const ResultsTable table = AssembleTable(TwoVariants());
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.categories,
            (std::vector<std::string>{"Recall", "RAG", "Short", "Perplexity"}));
  const VariantRow& a = *table.Row("a");
  EXPECT_DOUBLE_EQ(a.category_means.at("Recall"), 30.0);
  EXPECT_DOUBLE_EQ(a.category_means.at("RAG"), 20.0);
  // Short and Perplexity are columns of their own, not in the average.
  EXPECT_DOUBLE_EQ(a.average, 25.0);
  EXPECT_DOUBLE_EQ(a.Column("Avg"), 25.0);
  EXPECT_DOUBLE_EQ(a.Column("Short"), 60.0);
  EXPECT_DOUBLE_EQ(table.Row("b")->Column("Perplexity"), 9.5);
  EXPECT_THROW(a.Column("ICL"), std::runtime_error);
}

TEST(ResultsTable, PerplexityIsTheOnlyLowerIsBetterColumn) {
  EXPECT_FALSE(HigherIsBetter("Perplexity"));
  EXPECT_FALSE(HigherIsBetter("Short perplexity"));
  EXPECT_TRUE(HigherIsBetter("Short"));
  EXPECT_TRUE(HigherIsBetter("Avg"));
  EXPECT_FALSE(InAverage("Short"));
  EXPECT_FALSE(InAverage("NIAH"));
  EXPECT_TRUE(InAverage("Re-rank"));
}

TEST(ResultsTable, MarkdownPutsTheAverageBeforeTheOtherColumns) {
  const std::string markdown =
      TableMarkdown(AssembleTable(TwoVariants()), "T", nullptr, "");
  const size_t avg = markdown.find("| Avg |");
  const size_t short_column = markdown.find("Short @256");
  const size_t rag = markdown.find("RAG @2048");
  ASSERT_NE(avg, std::string::npos);
  ASSERT_NE(short_column, std::string::npos);
  EXPECT_LT(rag, avg);
  EXPECT_LT(avg, short_column);
  // Only the lengths a category was evaluated at get a column.
  EXPECT_EQ(markdown.find("Short @1024"), std::string::npos);
  EXPECT_NE(
      markdown.find("| a | 40.0 | 20.0 | 10.0 | 30.0 | 25.0 | 60.0 | 12.5 |"),
      std::string::npos)
      << markdown;
}

TEST(ResultsTable, AShortOnlyTableHasNoAverage) {
  const ResultsTable table =
      AssembleTable({Summary("x", {{"mc_continuation", "Short", 256, 55.0}})});
  const std::string markdown = TableMarkdown(table, "", nullptr, "");
  EXPECT_EQ(markdown.find("Avg"), std::string::npos) << markdown;
  EXPECT_EQ(TableLatex(table, "t").find("Avg &"), std::string::npos);
}

}  // namespace
}  // namespace prolong::report
