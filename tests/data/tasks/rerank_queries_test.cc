#include "data/tasks/rerank_queries.h"

#include <map>
#include <set>
#include <stdexcept>

#include "gtest/gtest.h"

namespace prolong::data {
namespace {

Document Page(const std::string& name, const std::string& section,
              const std::string& summary, const std::string& does,
              const std::string& see_also = "") {
  std::string text = name + "(" + section + ")\n\nNAME\n" + name + " - " +
                     summary + "\n\nDESCRIPTION\n" + name + "() " + does +
                     ".\n";
  if (!see_also.empty()) text += "\nSEE ALSO\n" + see_also + "\n";
  return {"man" + section + "/" + name + "." + section, text};
}

std::vector<Document> Pages() {
  return {
      Page("alpha", "2", "open a file descriptor", "opens a file",
           "beta(2), gamma(3), missing(7)"),
      Page("beta", "2", "close a file descriptor", "closes a file descriptor",
           "alpha(2)"),
      Page("gamma", "3", "read from a stream", "reads from a stream"),
      Page("delta", "2", "duplicate a file descriptor",
           "duplicates a file descriptor"),
      Page("epsilon", "3", "write file data", "writes file data"),
      Page("zeta", "2", "sleep for a while", "sleeps for a while"),
      Page("eta", "3", "compute sine", "computes the sine"),
  };
}

// Titles of a query's passages by grade.
std::map<int, std::set<std::string>> ByGrade(const RerankQuery& query) {
  std::map<int, std::set<std::string>> out;
  for (const auto& passage : query.passages) {
    out[passage.relevance].insert(passage.title);
  }
  return out;
}

TEST(ManPageRerankQueriesTest, GradesFollowPageRelations) {
  const auto queries = ManPageRerankQueries(Pages(), 40, 1);
  ASSERT_EQ(queries.size(), 2u);  // only alpha and beta have a SEE ALSO
  EXPECT_EQ(queries[0].query, "open a file descriptor");
  const std::map<int, std::set<std::string>> expected = {
      {3, {"alpha(2)"}},
      {2, {"beta(2)", "gamma(3)"}},
      {1, {"delta(2)"}},                     // same section, shares "file"
      {0, {"zeta(2)", "eta(3)"}}};           // shares no content word
  EXPECT_EQ(ByGrade(queries[0]), expected);  // epsilon(3): other section
  EXPECT_EQ(queries[0].passages[0].text, "alpha() opens a file.");
  EXPECT_EQ(queries[1].query, "close a file descriptor");
  EXPECT_EQ(ByGrade(queries[1])[2], (std::set<std::string>{"alpha(2)"}));
  for (const auto& query : queries) {
    for (const auto& passage : query.passages) {
      EXPECT_GE(passage.relevance, 0);
      EXPECT_LE(passage.relevance, 3);
    }
  }
}

TEST(ManPageRerankQueriesTest, DeterministicForASeed) {
  const auto a = ManPageRerankQueries(Pages(), 40, 7);
  const auto b = ManPageRerankQueries(Pages(), 40, 7);
  ASSERT_EQ(a.size(), b.size());
  for (size_t q = 0; q < a.size(); ++q) {
    ASSERT_EQ(a[q].passages.size(), b[q].passages.size());
    for (size_t p = 0; p < a[q].passages.size(); ++p) {
      EXPECT_EQ(a[q].passages[p].title, b[q].passages[p].title);
    }
  }
}

TEST(ManPageRerankQueriesTest, OwnPassagesAreAtMostThree) {
  std::string does = "does one thing";
  for (int i = 0; i < 6; ++i) does += ". Then step" + std::to_string(i);
  auto pages = Pages();
  pages[0] = Page("alpha", "2", "open a file descriptor", does, "beta(2)");
  const auto queries = ManPageRerankQueries(pages, 4, 1);
  ASSERT_FALSE(queries.empty());
  int own = 0;
  for (const auto& passage : queries[0].passages) own += passage.relevance == 3;
  EXPECT_EQ(own, 3);
}

TEST(ManPageRerankQueriesTest, RejectsOtherCorpora) {
  EXPECT_THROW(ManPageRerankQueries({{"x", "plain text"}}, 40, 1),
               std::invalid_argument);
}

}  // namespace
}  // namespace prolong::data
