#include "data/corpus/text_files_reader.h"

#include <gtest/gtest.h>

#include "tests/data/corpus/fixture_files.h"

namespace prolong::data {
namespace {

TEST(TextFilesReader, OneRawDocumentPerFileInPathOrder) {
  const std::string latex = "\\documentclass{article}\n$x^2$\n";
  const std::string gz = Gzip(latex);
  const std::vector<SourceFile> files = {
      WriteFixture("text/z.pod", "=head1 NAME\n\nperlz\n"),
      WriteFixture("text/a/paper.tex.gz", gz),
      WriteFixture("text/empty.tex", ""),
      WriteFixture("text/blob.tex", std::string("\x89PNG\0\0", 6)),
      WriteFixture("text/latin1.tex", "na\xefve"),
      WriteFixture("text/cut.tex.gz", gz.substr(0, gz.size() / 2)),
  };
  const Corpus corpus = ReadTextFiles(files, "arxiv");
  ASSERT_EQ(corpus.documents.size(), 2u);
  EXPECT_EQ(corpus.documents[0].name, "text/a/paper.tex");
  EXPECT_EQ(corpus.documents[0].text, latex);
  EXPECT_EQ(corpus.documents[1].name, "text/z.pod");
  const auto& m = corpus.manifest;
  EXPECT_EQ(m.reader(), "text_files");
  EXPECT_EQ(m.domain(), "arxiv");
  EXPECT_EQ(m.files_read(), 6);
  EXPECT_EQ(m.files_skipped_empty(), 1);
  EXPECT_EQ(m.files_skipped_binary(), 1);
  EXPECT_EQ(m.files_skipped_bad_utf8(), 1);
  EXPECT_EQ(m.files_skipped_bad_compression(), 1);
  EXPECT_EQ(m.documents(), 2);
  EXPECT_EQ(m.bytes(), static_cast<int64_t>(latex.size() + 19));
}

}  // namespace
}  // namespace prolong::data
