#include "data/tasks/summary_documents.h"

#include "data/tasks/summary_proxy.h"
#include "gtest/gtest.h"

namespace prolong::data {
namespace {

constexpr char kManPage[] =
    "kill(2)\n\nNAME\nkill - send signal to a process\n\n"
    "SYNOPSIS\nint kill(pid_t pid, int sig);\n\n"
    "DESCRIPTION\nThe kill() system call sends a signal.\n";

constexpr char kPod[] =
    "=head1 NAME\n\nperlsec - Perl B<security>\n\n"
    "=head1 DESCRIPTION\n\nPerl is designed to be C<safe>.\n";

TEST(SummaryDocumentsTest, NameLineIsTheLeadOfManPagesAndPodBooks) {
  const auto documents =
      SummaryDocuments({{"man2/kill.2", kManPage}, {"perlsec.pod", kPod}}, 3);
  ASSERT_EQ(documents.size(), 2u);
  std::string lead, body;
  ASSERT_TRUE(SplitLead(documents[0], &lead, &body));
  EXPECT_EQ(lead, "kill - send signal to a process");
  EXPECT_EQ(body.substr(0, 9), "SYNOPSIS\n");
  EXPECT_EQ(body.find("NAME"), std::string::npos);
  ASSERT_TRUE(SplitLead(documents[1], &lead, &body));
  EXPECT_EQ(lead, "perlsec - Perl security");
  EXPECT_EQ(body, "DESCRIPTION\n\nPerl is designed to be safe.");
}

TEST(SummaryDocumentsTest, ShortBodiesAndOtherTextAreLeftOut) {
  EXPECT_EQ(SummaryDocuments({{"man2/kill.2", kManPage}}, 20).size(), 0u);
  EXPECT_EQ(SummaryDocuments({{"a", "plain text\n\nmore text"}}, 0).size(), 0u);
}

}  // namespace
}  // namespace prolong::data
