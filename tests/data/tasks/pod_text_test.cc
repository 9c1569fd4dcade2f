#include "data/tasks/pod_text.h"

#include "gtest/gtest.h"

namespace prolong::data {
namespace {

TEST(PodInlineTextTest, ResolvesFormattingCodes) {
  EXPECT_EQ(PodInlineText("Use B<bold> and I<italic C<code>> here."),
            "Use bold and italic code here.");
  EXPECT_EQ(PodInlineText("S<non breaking> F<file.txt>"),
            "non breaking file.txt");
  EXPECT_EQ(PodInlineText("an index X<index entry>entry Z<>here"),
            "an index entry here");
}

TEST(PodInlineTextTest, MultiBracketCodesKeepInnerAngles) {
  EXPECT_EQ(PodInlineText("The C<< <> >> operator"), "The <> operator");
  EXPECT_EQ(PodInlineText("C<<< $a->b >>> and C<< I<x> >>"), "$a->b and x");
}

TEST(PodInlineTextTest, EscapesAndPlainAngles) {
  EXPECT_EQ(PodInlineText("E<lt>*E<gt> E<verbar> E<sol> E<65> E<0x42>"),
            "<*> | / A B");
  EXPECT_EQ(PodInlineText("E<eacute>x"), "x");
  EXPECT_EQ(PodInlineText("if $a < 3 and $b <=> $c"),
            "if $a < 3 and $b <=> $c");
}

TEST(PodInlineTextTest, Links) {
  EXPECT_EQ(PodInlineText("see L<perlfunc>"), "see perlfunc");
  EXPECT_EQ(PodInlineText("see L<the docs|perlfunc/open>"), "see the docs");
  EXPECT_EQ(PodInlineText("see L<perlrun/\"-w\">"), "see \"-w\" in perlrun");
  EXPECT_EQ(PodInlineText("see L</SEE ALSO>"), "see \"SEE ALSO\"");
  EXPECT_EQ(PodInlineText("L<https://perl.org/a/b>"), "https://perl.org/a/b");
}

TEST(PodToTextTest, KeepsHeadingsItemsAndVerbatimDropsCommands) {
  const std::string pod =
      "junk before pod\n\n"
      "=head1 NAME\n\nperlx - B<an> example\n\n"
      "=over 4\n\n=item *\n\nfirst C<item>\n\n=item Second\n\n=back\n\n"
      "    my $x = C<not code>;\n    print $x;\n\n"
      "=begin html\n\n<p>html</p>\n\n=end html\n\n"
      "=for comment hidden\n\n"
      "=cut\n\ncode after cut\n\n"
      "=pod\n\nback in pod\n";
  EXPECT_EQ(PodToText(pod),
            "NAME\n\nperlx - an example\n\nfirst item\n\nSecond\n\n"
            "    my $x = C<not code>;\n    print $x;\n\nback in pod");
}

}  // namespace
}  // namespace prolong::data
