#include "data/corpus/fortunes_reader.h"

#include <gtest/gtest.h>

#include "tests/data/corpus/fixture_files.h"

namespace prolong::data {
namespace {

TEST(FortunesReader, OneDocumentPerCookie) {
  const std::vector<SourceFile> files = {
      WriteFixture("f/wisdom",
                   "A penny saved.\n%\n\n  Indented\n  verse.  \n"
                   "%\n%\n   \n%\nLast, no final separator"),
      WriteFixture("f/art", "%\nFirst after a leading separator\n%\n"),
      WriteFixture("f/wisdom.dat", std::string("\0\0\0\2", 4)),
      WriteFixture("f/empty", ""),
  };
  const Corpus corpus = ReadFortunes(files, "short_web");
  ASSERT_EQ(corpus.documents.size(), 4u);
  EXPECT_EQ(corpus.documents[0].name, "f/art#1");
  EXPECT_EQ(corpus.documents[0].text, "First after a leading separator");
  EXPECT_EQ(corpus.documents[1].name, "f/wisdom#1");
  EXPECT_EQ(corpus.documents[1].text, "A penny saved.");
  EXPECT_EQ(corpus.documents[2].text, "  Indented\n  verse.");
  EXPECT_EQ(corpus.documents[3].name, "f/wisdom#3");
  EXPECT_EQ(corpus.documents[3].text, "Last, no final separator");
  const auto& m = corpus.manifest;
  EXPECT_EQ(m.reader(), "fortunes");
  EXPECT_EQ(m.files_read(), 4);
  EXPECT_EQ(m.files_skipped_binary(), 1);
  EXPECT_EQ(m.files_skipped_empty(), 1);
  EXPECT_EQ(m.entries_skipped(), 3);  // two empty cookies in wisdom, one in art
}

}  // namespace
}  // namespace prolong::data
