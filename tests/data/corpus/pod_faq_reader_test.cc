#include "data/corpus/pod_faq_reader.h"

#include <gtest/gtest.h>

#include "tests/data/corpus/fixture_files.h"

namespace prolong::data {
namespace {

TEST(PodFaqReader, OneDocumentPerQuestionAndAnswer) {
  const std::string pod =
      "=head1 NAME\n\nperlfaq9 - Networking\n\n"
      "=head1 DESCRIPTION\n\nIntro text is not an answer.\n\n"
      "=head2 How do I fetch a page?\n\nUse L<HTTP::Tiny>:\n\n"
      "    my $r = HTTP::Tiny->new->get($url);\n\n"
      "=head2 A question with no answer?\n\n"
      "=head2 Why?\n\nBecause.\n\n=cut\n\nTrailing text.\n";
  const std::vector<SourceFile> files = {
      WriteFixture("pod/perlfaq9.pod", pod),
      WriteFixture("pod/perlfaq1.pod.gz", Gzip(pod).substr(0, 20)),
      WriteFixture("pod/perlfaq2.pod", "=head2 Q\n\nA \xc0\xaf\n"),
  };
  const Corpus corpus = ReadPodFaq(files, "short_qa");
  ASSERT_EQ(corpus.documents.size(), 2u);
  EXPECT_EQ(corpus.documents[0].name, "pod/perlfaq9.pod#1");
  EXPECT_EQ(corpus.documents[0].text,
            "How do I fetch a page?\n\nUse L<HTTP::Tiny>:\n\n"
            "    my $r = HTTP::Tiny->new->get($url);");
  EXPECT_EQ(corpus.documents[1].name, "pod/perlfaq9.pod#2");
  EXPECT_EQ(corpus.documents[1].text, "Why?\n\nBecause.");
  const auto& m = corpus.manifest;
  EXPECT_EQ(m.reader(), "pod_faq");
  EXPECT_EQ(m.entries_skipped(), 1);
  EXPECT_EQ(m.files_skipped_bad_compression(), 1);
  EXPECT_EQ(m.files_skipped_bad_utf8(), 1);
}

}  // namespace
}  // namespace prolong::data
