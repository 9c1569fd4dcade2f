#include "data/tasks/helmet_jsonl.h"

#include <stdexcept>
#include <string>

#include "gtest/gtest.h"

namespace prolong::data {
namespace {

TEST(HelmetJsonlTest, ReadsJsonKvRows) {
  const auto rows = ReadHelmetRows(
      "{\"context\": \"JSON data: {}\", \"question\": \"k1\", "
      "\"answer\": \"v1\", \"demos\": [[\"k2\", \"v2\"], [\"k3\", \"v3\"]], "
      "\"num_kvs\": 3}\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].context, "JSON data: {}");
  EXPECT_EQ(rows[0].question, "k1");
  EXPECT_EQ(rows[0].answers, std::vector<std::string>{"v1"});
  ASSERT_EQ(rows[0].demos.size(), 2u);
  EXPECT_EQ(rows[0].demos[1].first, "k3");
  EXPECT_EQ(rows[0].demos[1].second, "v3");
}

TEST(HelmetJsonlTest, ReadsRagAndRerankRows) {
  const auto rows = ReadHelmetRows(
      "{\"id\": \"q1\", \"question\": \"who?\", \"answers\": [\"A\", \"B\"], "
      "\"ctxs\": [{\"title\": \"T1\", \"text\": \"x\", \"has_answer\": true}, "
      "{\"title\": \"T2\", \"text\": \"y\"}]}\n"
      "\n"
      "{\"qid\": 7, \"query\": \"q\", \"ctxs\": [{\"id\": \"11\", "
      "\"text\": \"z\", \"label\": 2}, {\"id\": \"12\", \"text\": \"w\", "
      "\"label\": \"3\"}]}\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].id, "q1");
  EXPECT_EQ(rows[0].answers, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(rows[0].context,
            "Document (Title: T1): x\n\nDocument (Title: T2): y");
  EXPECT_EQ(rows[1].id, "7");
  EXPECT_EQ(rows[1].question, "q");
  ASSERT_EQ(rows[1].ctxs.size(), 2u);
  EXPECT_EQ(rows[1].ctxs[0].id, "11");
  EXPECT_EQ(rows[1].ctxs[0].label, 2);
  EXPECT_EQ(rows[1].ctxs[1].label, 3);
}

TEST(HelmetJsonlTest, ReadsIclRows) {
  const auto texts = ReadLabelledTexts(
      "{\"text\": \"how far is it\", \"label\": 4}\n"
      "{\"text\": \"what is x\", \"label\": \"DESC\"}\n");
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_EQ(texts[0].label, "4");
  EXPECT_EQ(texts[1].text, "what is x");
  EXPECT_THROW(ReadLabelledTexts("{\"text\": \"x\"}"), std::runtime_error);
}

TEST(HelmetJsonlTest, NamesTheBadLine) {
  try {
    ParseJsonLines("{}\n{\"a\": }\n");
    FAIL();
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string(error.what()).rfind("JSON Lines line 2: ", 0), 0u);
  }
}

TEST(HelmetJsonlTest, NamesTheLineOfATruncatedFile) {
  const std::string rows =
      "{\"id\": \"a\", \"answers\": [\"x\"]}\n"
      "{\"id\": \"b\", \"answers\": [\"y\"]}\n";
  const std::string truncated = rows.substr(0, rows.size() - 6);
  try {
    ReadHelmetRows(truncated);
    FAIL();
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string(error.what()).rfind("JSON Lines line 2: ", 0), 0u)
        << error.what();
  }
}

}  // namespace
}  // namespace prolong::data
