#include "data/corpus/man_pages_reader.h"

#include <gtest/gtest.h>

#include "data/corpus/man_page_text.h"
#include "tests/data/corpus/fixture_files.h"

namespace prolong::data {
namespace {

const char kPage[] =
    ".\\\" Copyright comment, dropped\n"
    ".TH read 2 2022-12-04 \"Linux man-pages 6.03\"\n"
    ".SH NAME\n"
    "read \\- read from a file descriptor\n"
    ".SH SYNOPSIS\n"
    ".nf\n"
    ".B #include <unistd.h>\n"
    ".PP\n"
    ".BI \"ssize_t read(int \" fd \", void *\" buf );\n"
    ".fi\n"
    ".SH DESCRIPTION\n"
    ".BR read ()\n"
    "attempts to read up to\n"
    ".I count\n"
    "bytes \\(em or fewer \\(em from \\fIfd\\fP.\\&\n"
    ".TP\n"
    ".B EINTR\n"
    "Interrupted.\n";

TEST(ManPageText, ConvertsMacrosAndEscapes) {
  EXPECT_EQ(ManPageToText(kPage),
            "read(2)\n\n"
            "NAME\n"
            "read - read from a file descriptor\n\n"
            "SYNOPSIS\n"
            "#include <unistd.h>\n\n"
            "ssize_t read(int fd, void *buf);\n\n"
            "DESCRIPTION\n"
            "read() attempts to read up to count bytes \u2014 or fewer \u2014 "
            "from fd.\n\n"
            "EINTR Interrupted.\n");
  EXPECT_EQ(ManPageToText(".so man3/other.3\n"), "");
}

TEST(ManPageText, Escapes) {
  EXPECT_EQ(DecodeGroffEscapes("a\\e\\-b\\ c\\(aqd\\[dq]\\f(CWe\\fR\\s-1f\\s0"),
            "a\\-b c'd\"ef");
  EXPECT_EQ(DecodeGroffEscapes("text \\\" comment"), "text ");
  EXPECT_EQ(DecodeGroffEscapes("unknown \\(zz and trailing \\"),
            "unknown  and trailing \\");
}

TEST(ManPagesReader, OneDocumentPerPage) {
  const std::string gz = Gzip(kPage);
  const std::vector<SourceFile> files = {
      WriteFixture("man/man2/read.2.gz", gz),
      WriteFixture("man/man2/pread.2.gz", Gzip(".so man2/read.2\n")),
      WriteFixture("man/man2/cut.2.gz", gz.substr(0, gz.size() - 1)),
      WriteFixture("man/man2/bin.2", std::string("\0\1", 2)),
  };
  const Corpus corpus = ReadManPages(files, "short_manuals");
  ASSERT_EQ(corpus.documents.size(), 1u);
  EXPECT_EQ(corpus.documents[0].name, "man/man2/read.2");
  EXPECT_EQ(corpus.documents[0].text.rfind("read(2)\n\nNAME\n", 0), 0u);
  const auto& m = corpus.manifest;
  EXPECT_EQ(m.reader(), "man_pages");
  EXPECT_EQ(m.files_read(), 4);
  EXPECT_EQ(m.files_skipped_empty(), 1);
  EXPECT_EQ(m.files_skipped_bad_compression(), 1);
  EXPECT_EQ(m.files_skipped_binary(), 1);
}

}  // namespace
}  // namespace prolong::data
