#include "data/tasks/qa_books.h"

#include "gtest/gtest.h"

namespace prolong::data {
namespace {

TEST(PlainTextBooksTest, RendersPodKeepsPlainTextDropsShortBooks) {
  const std::vector<Document> books = {
      {"perlx.pod", "=head1 NAME\n\nperlx - a B<book>\n\nSome C<text> here.\n"},
      {"plain.txt", "Already plain text of six words."},
      {"short.pod", "=head1 NAME\n\nshort\n"},
      {"perlko.pod",
       "=head1 NAME\n\nperlko - \xed\x95\x9c\xea\xb5\xad\xec\x96\xb4 "
       "\xec\x95\x88\xeb\x82\xb4\xec\x84\x9c\n"}};
  const auto texts = PlainTextBooks(books, 3);
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_EQ(texts[0], "NAME\n\nperlx - a book\n\nSome text here.");
  EXPECT_EQ(texts[1], "Already plain text of six words.");
}

}  // namespace
}  // namespace prolong::data
