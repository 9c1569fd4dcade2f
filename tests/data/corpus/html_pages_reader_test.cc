#include "data/corpus/html_pages_reader.h"

#include <gtest/gtest.h>

#include "tests/data/corpus/fixture_files.h"

namespace prolong::data {
namespace {

TEST(HtmlPagesReader, OneStrippedDocumentPerPage) {
  const std::vector<SourceFile> files = {
      WriteFixture("html/b.html", "<p>Second page</p>"),
      WriteFixture("html/a.html.gz", Gzip("<h1>First</h1><p>page</p>")),
      WriteFixture("html/only-markup.html", "<div><script>x()</script></div>"),
      WriteFixture("html/empty.html", ""),
      WriteFixture("html/bad.html", "<p>\xff\xfe</p>"),
      WriteFixture("html/cut.html.gz", Gzip("<p>some page</p>").substr(0, 12)),
  };
  const Corpus corpus = ReadHtmlPages(files, "web");
  ASSERT_EQ(corpus.documents.size(), 2u);
  EXPECT_EQ(corpus.documents[0].name, "html/a.html");
  EXPECT_EQ(corpus.documents[0].text, "First\n\npage");
  EXPECT_EQ(corpus.documents[1].text, "Second page");
  const auto& m = corpus.manifest;
  EXPECT_EQ(m.reader(), "html_pages");
  EXPECT_EQ(m.files_read(), 6);
  EXPECT_EQ(m.files_skipped_empty(), 2);
  EXPECT_EQ(m.files_skipped_bad_utf8(), 1);
  EXPECT_EQ(m.files_skipped_bad_compression(), 1);
  EXPECT_EQ(m.documents(), 2);
}

}  // namespace
}  // namespace prolong::data
