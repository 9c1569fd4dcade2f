#include "data/corpus/raw_files.h"

#include <gtest/gtest.h>

#include "tests/data/corpus/fixture_files.h"

namespace prolong::data {
namespace {

TEST(RawFiles, ReadsPlainAndCompressedTextAndCountsBadFiles) {
  CorpusManifest manifest;
  EXPECT_EQ(*ReadTextFile(WriteFixture("a.txt", "plain\n"), &manifest),
            "plain\n");
  EXPECT_EQ(*ReadTextFile(WriteFixture("b.txt.gz", Gzip("zipped")), &manifest),
            "zipped");
  EXPECT_FALSE(ReadTextFile(WriteFixture("empty.txt", ""), &manifest));
  EXPECT_FALSE(ReadTextFile(WriteFixture("empty.gz", Gzip("")), &manifest));
  EXPECT_FALSE(
      ReadTextFile(WriteFixture("nul.txt", std::string("a\0b", 3)), &manifest));
  EXPECT_FALSE(ReadTextFile(WriteFixture("latin1.txt", "caf\xe9"), &manifest));
  const std::string gz = Gzip("a longer text, long enough to cut in two");
  EXPECT_FALSE(ReadTextFile(WriteFixture("cut.gz", gz.substr(0, gz.size() - 9)),
                            &manifest));
  EXPECT_FALSE(ReadTextFile(WriteFixture("nul.gz", Gzip(std::string(4, '\0'))),
                            &manifest));
  EXPECT_EQ(manifest.files_read(), 8);
  EXPECT_EQ(manifest.files_skipped_empty(), 2);
  EXPECT_EQ(manifest.files_skipped_binary(), 2);
  EXPECT_EQ(manifest.files_skipped_bad_utf8(), 1);
  EXPECT_EQ(manifest.files_skipped_bad_compression(), 1);
}

TEST(RawFiles, MissingFileNamesIt) {
  CorpusManifest manifest;
  try {
    ReadTextFile({"gone.txt", "/nonexistent/gone.txt"}, &manifest);
    FAIL() << "no exception";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/gone.txt"),
              std::string::npos);
  }
}

TEST(RawFiles, NamesSortingAndTotals) {
  EXPECT_EQ(DocumentName({"man3/printf.3.gz", ""}), "man3/printf.3");
  EXPECT_EQ(DocumentName({"foldoc.dict.dz", ""}), "foldoc.dict");
  EXPECT_EQ(DocumentName({"perlfunc.pod", ""}), "perlfunc.pod");
  const auto sorted = SortedByPath({{"b", "1"}, {"a", "2"}});
  EXPECT_EQ(sorted[0].relative_path, "a");
  Corpus corpus = NewCorpus("books", "text_files");
  corpus.documents = {{"x", std::string(10, 'a')},
                      {"y", std::string(3000, 'b')}};
  FinishCorpus(&corpus);
  EXPECT_EQ(corpus.manifest.domain(), "books");
  EXPECT_EQ(corpus.manifest.reader(), "text_files");
  EXPECT_EQ(corpus.manifest.documents(), 2);
  EXPECT_EQ(corpus.manifest.bytes(), 3010);
  ASSERT_EQ(corpus.manifest.length_histogram_size(), 3);
  EXPECT_EQ(corpus.manifest.length_histogram(2).documents(), 1);
}

}  // namespace
}  // namespace prolong::data
