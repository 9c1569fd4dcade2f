#include "data/sft/synthetic_long.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "data/sft/chat_template.h"
#include "data/sft/cloze_line.h"
#include "data/sft/document_sections.h"
#include "data/tokenizer/bpe_tokenizer.h"

namespace prolong::data {
namespace {

// A POD-like book: sections with a prose lead, verbatim code, and lines
// with distinct identifiers to blank.
Document Book(int sections) {
  Document book{"perlbook.pod", "=head1 NAME\n\nperlbook - a test book\n\n"};
  for (int s = 0; s < sections; ++s) {
    const std::string n = std::to_string(s);
    book.text += "=head2 Chapter" + n + "\n\n";
    book.text += "This chapter number " + n +
                 " explains how the interpreter handles the stack of frames "
                 "in a careful way.\n\n";
    for (int line = 0; line < 12; ++line) {
      const std::string id = n + "x" + std::to_string(line);
      book.text += "The function compute_" + id + " returns the value of " +
                   "variable_" + id + " to its caller.\n";
    }
    book.text += "\n    my $x = frame_" + n + "();\n\n";
  }
  return book;
}

// A code repository: files headed by their path, a licence header, then a
// package comment and code.
Document Repository(int files) {
  Document repo{"golang/net", ""};
  for (int f = 0; f < files; ++f) {
    const std::string n = std::to_string(f);
    repo.text += "# File: golang/net/file" + n + ".go\n";
    repo.text += "// Copyright 2009 The Go Authors. All rights reserved.\n\n";
    repo.text += "// Package net" + n +
                 " provides a portable interface for network input and "
                 "output.\n//\n// It works on sockets.\npackage net\n\n";
    for (int line = 0; line < 10; ++line) {
      const std::string id = n + "_" + std::to_string(line);
      repo.text += "func handler" + id +
                   "(conn Connection) error { return "
                   "dispatch" +
                   id + "(conn) }\n";
    }
  }
  return repo;
}

std::vector<Document> Documents() { return {Book(40), Repository(40)}; }

BpeTokenizer Tokenizer() {
  const std::vector<Document> documents = Documents();
  return BpeTokenizer::Train({documents[0].text, documents[1].text}, 400, 1);
}

SyntheticLongOptions Options(int conversations, int max_tokens) {
  SyntheticLongOptions options;
  options.num_conversations = conversations;
  options.max_tokens = max_tokens;
  options.seed = 7;
  options.threads = 2;
  return options;
}

TEST(ClozeLine, BlanksTheLongestIdentifierAfterTheFirstWord) {
  const auto cloze = MakeClozeLine(
      "  Returning the longest_identifier here, not Returning again.\n");
  ASSERT_TRUE(cloze.has_value());
  EXPECT_EQ(cloze->line,
            "Returning the longest_identifier here, not Returning again.");
  EXPECT_EQ(cloze->answer, "longest_identifier");
  EXPECT_EQ(cloze->blanked, "Returning the ____ here, not Returning again.");
}

TEST(ClozeLine, RejectsLinesThatDoNotQualify) {
  EXPECT_FALSE(MakeClozeLine("too short to ask about").has_value());
  EXPECT_FALSE(MakeClozeLine("# File: a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t")
                   .has_value());
  EXPECT_FALSE(MakeClozeLine("a b c d e f g h i j k l m n o p q r s t u v w")
                   .has_value());
  EXPECT_FALSE(MakeClozeLine(std::string(300, 'x')).has_value());
}

TEST(DocumentSections, TileTheTextAndFindProseLeads) {
  const std::string text = Repository(2).text;
  const auto sections = SplitSections(text);
  ASSERT_EQ(sections.size(), 2u);
  EXPECT_EQ(sections[0].begin, 0u);
  EXPECT_EQ(sections[0].end, sections[1].begin);
  EXPECT_EQ(sections[1].end, text.size());
  EXPECT_EQ(sections[1].title, "the file golang/net/file1.go");
  // The licence paragraph is skipped; the package comment is the lead.
  EXPECT_EQ(sections[1].lead,
            "Package net1 provides a portable interface for network input "
            "and output. It works on sockets.");
  EXPECT_EQ(text.substr(sections[1].lead_begin, 20), "// Package net1 prov");
}

TEST(DocumentSections, PodHeadingsAndOnlyTheFirstParagraphCanLead) {
  const std::string text =
      "intro\n=head1 NAME\n\nx - y\n\n=head2 Usage\n\n    verbatim code "
      "that is long enough to count as words.\n\nThis paragraph would be a "
      "fine lead if it came first.\n";
  const auto sections = SplitSections(text);
  ASSERT_EQ(sections.size(), 3u);
  EXPECT_EQ(sections[0].title, "the document");
  EXPECT_EQ(sections[1].title, "the section \"NAME\"");
  EXPECT_EQ(sections[2].title, "the section \"Usage\"");
  for (const auto& section : sections) EXPECT_EQ(section.lead, "");
}

TEST(DocumentSections, WebPagesSkipTitlesButCodeFilesDoNot) {
  const std::string page =
      "Chapter 4. Installation\n\nDownload the ebook\n\nPrev\n\n4.1. "
      "Installation Methods\n\nThis chapter explains how to install the "
      "system on a new computer.\n\nMore text follows here.\n";
  const auto page_sections = SplitSections(page);
  ASSERT_EQ(page_sections.size(), 1u);
  EXPECT_EQ(page_sections[0].title, "the document");
  EXPECT_EQ(page_sections[0].lead,
            "This chapter explains how to install the system on a new "
            "computer.");
  const std::string code =
      "# File: sync/runtime.go\npackage sync\n\n// Semacquire waits until "
      "the count is above zero, then takes one.\nfunc Semacquire()\n";
  const auto code_sections = SplitSections(code);
  ASSERT_EQ(code_sections.size(), 1u);
  EXPECT_EQ(code_sections[0].lead, "");
}

TEST(SyntheticKindCounts, LargestRemainderIsExact) {
  EXPECT_EQ(SyntheticKindCounts(10), (std::array<int, 3>{4, 3, 3}));
  EXPECT_EQ(SyntheticKindCounts(7), (std::array<int, 3>{3, 2, 2}));
  EXPECT_EQ(SyntheticKindCounts(1), (std::array<int, 3>{1, 0, 0}));
  EXPECT_EQ(SyntheticKindCounts(2), (std::array<int, 3>{1, 1, 0}));
  EXPECT_EQ(SyntheticKindCounts(1001), (std::array<int, 3>{401, 300, 300}));
  for (int total = 0; total < 200; ++total) {
    const auto counts = SyntheticKindCounts(total);
    EXPECT_EQ(counts[0] + counts[1] + counts[2], total);
    for (int k = 0; k < 3; ++k) {
      EXPECT_LT(std::abs(counts[k] - total * kSyntheticKindPercent[k] / 100.0),
                1.0);
    }
  }
}

class SyntheticLongTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tokenizer_ = new BpeTokenizer(Tokenizer());
    documents_ = new std::vector<Document>(Documents());
  }
  static void TearDownTestSuite() {
    delete tokenizer_;
    delete documents_;
  }
  static int ChatTokens(const Conversation& conversation) {
    return static_cast<int>(
        EncodeChat(conversation, *tokenizer_).tokens.size());
  }
  static std::vector<SyntheticConversation> Generate(
      const SyntheticLongOptions& options) {
    return SyntheticLongConversations(*documents_, options, ChatTokens);
  }

  static BpeTokenizer* tokenizer_;
  static std::vector<Document>* documents_;
};

BpeTokenizer* SyntheticLongTest::tokenizer_ = nullptr;
std::vector<Document>* SyntheticLongTest::documents_ = nullptr;

TEST_F(SyntheticLongTest, ProportionsAreExact) {
  const auto conversations = Generate(Options(23, 600));
  ASSERT_EQ(conversations.size(), 23u);
  std::array<int, 3> counts{};
  for (const auto& c : conversations) ++counts[static_cast<int>(c.kind)];
  EXPECT_EQ(counts, SyntheticKindCounts(23));
  EXPECT_EQ(counts, (std::array<int, 3>{9, 7, 7}));
}

TEST_F(SyntheticLongTest, EveryConversationFitsTheBudgetAndFillsMostOfIt) {
  for (const int budget : {300, 1000}) {
    for (const auto& c : Generate(Options(20, budget))) {
      const int tokens = ChatTokens(c.conversation);
      EXPECT_LE(tokens, budget);
      // One more line or passage would not fit, so little is left over.
      EXPECT_GT(tokens, budget / 2) << c.conversation[0].content;
    }
  }
}

TEST_F(SyntheticLongTest, AnswersComeFromTheContext) {
  for (const auto& c : Generate(Options(30, 800))) {
    ASSERT_EQ(c.conversation.size(), 2u);
    EXPECT_EQ(c.conversation[0].role, "user");
    EXPECT_EQ(c.conversation[1].role, "assistant");
    EXPECT_EQ(c.conversation[1].content, c.answer);
    EXPECT_NE(c.conversation[0].content.find(c.context), std::string::npos);
    if (c.kind == SyntheticKind::kSummary) {
      // The lead is removed from the text the model summarises.
      EXPECT_EQ(c.context.find(c.answer), std::string::npos);
      EXPECT_NE(c.conversation[0].content.find("summary of the "),
                std::string::npos);
      continue;
    }
    // The question quotes the line with its answer blanked out; the whole
    // line is in the context, once.
    const std::string& prompt = c.conversation[0].content;
    const size_t quoted = prompt.find(std::string(kClozeBlank));
    ASSERT_NE(quoted, std::string::npos);
    const size_t line_begin = prompt.rfind('\n', quoted) + 1;
    std::string line =
        prompt.substr(line_begin, prompt.find('\n', quoted) == std::string::npos
                                      ? std::string::npos
                                      : prompt.find('\n', quoted) - line_begin);
    line.replace(line.find(kClozeBlank), std::string(kClozeBlank).size(),
                 c.answer);
    const size_t at = c.context.find(line);
    ASSERT_NE(at, std::string::npos) << line;
    EXPECT_EQ(c.context.find(line, at + 1), std::string::npos);
    if (c.kind == SyntheticKind::kRag) {
      EXPECT_EQ(c.context.rfind("Document (Title: ", 0), 0u);
    }
  }
}

TEST_F(SyntheticLongTest, DeterministicForAnyThreadCount) {
  SyntheticLongOptions options = Options(15, 500);
  options.threads = 1;
  const auto one = Generate(options);
  options.threads = 3;
  const auto three = Generate(options);
  ASSERT_EQ(one.size(), three.size());
  for (size_t i = 0; i < one.size(); ++i) {
    EXPECT_EQ(one[i].conversation[0].content, three[i].conversation[0].content);
    EXPECT_EQ(one[i].answer, three[i].answer);
  }
  options.seed = 8;
  const auto other = Generate(options);
  int different = 0;
  for (size_t i = 0; i < one.size(); ++i) {
    different +=
        one[i].conversation[0].content != other[i].conversation[0].content;
  }
  EXPECT_GT(different, 10);
}

TEST_F(SyntheticLongTest, RejectsBadOptionsAndImpossibleBudgets) {
  EXPECT_THROW(Generate(Options(0, 500)), std::invalid_argument);
  EXPECT_THROW(Generate(Options(5, 0)), std::invalid_argument);
  EXPECT_THROW(SyntheticLongConversations({}, Options(5, 500), ChatTokens),
               std::invalid_argument);
  // No question with its template fits in 20 tokens.
  EXPECT_THROW(Generate(Options(5, 20)), std::runtime_error);
}

}  // namespace
}  // namespace prolong::data
