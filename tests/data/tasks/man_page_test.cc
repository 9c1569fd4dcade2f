#include "data/tasks/man_page.h"

#include "gtest/gtest.h"

namespace prolong::data {
namespace {

constexpr char kPage[] =
    "kill(2)\n\n"
    "NAME\nkill, tkill - send signal to a process\n\n"
    "LIBRARY\nStandard C library (libc, -lc)\n\n"
    "SYNOPSIS\n#include <signal.h>\n\nint kill(pid_t pid, int sig);\n\n"
    "DESCRIPTION\nThe kill() system call sends a signal.\n\n"
    "If pid is positive, the signal goes to that process.\n\n"
    "SEE ALSO\nkill(1), _exit(2), sigqueue(3), signal(7)\n";

TEST(ManPageTest, SplitsTheParts) {
  const auto page = ParseManPage(kPage);
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->title, "kill(2)");
  EXPECT_EQ(page->section, "2");
  EXPECT_EQ(page->names, (std::vector<std::string>{"kill", "tkill"}));
  EXPECT_EQ(page->summary, "send signal to a process");
  EXPECT_EQ(page->name_line, "kill, tkill - send signal to a process");
  EXPECT_EQ(page->description,
            "The kill() system call sends a signal.\n\n"
            "If pid is positive, the signal goes to that process.");
  EXPECT_EQ(page->see_also,
            (std::vector<std::string>{"kill(1)", "_exit(2)", "sigqueue(3)",
                                      "signal(7)"}));
  EXPECT_EQ(page->body.substr(0, 8), "LIBRARY\n");
  EXPECT_EQ(page->body.find("NAME\n"), std::string::npos);
}

TEST(ManPageTest, RejectsOtherText) {
  EXPECT_FALSE(ParseManPage("").has_value());
  EXPECT_FALSE(ParseManPage("Just prose.\n\nNAME\nx - y\n").has_value());
  EXPECT_FALSE(ParseManPage("x(3)\n\nNAME\nno dash here\n").has_value());
  EXPECT_FALSE(ParseManPage("x(3)\n\nDESCRIPTION\ntext\n").has_value());
}

}  // namespace
}  // namespace prolong::data
