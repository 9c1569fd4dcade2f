#include "data/corpus/code_repos_reader.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "data/corpus/text_checks.h"

namespace prolong::data {
namespace {

class CodeReposReaderTest : public ::testing::Test {
 protected:
  SourceFile Add(const std::string& relative, const std::string& contents) {
    const std::string root = std::string(std::getenv("TEST_TMPDIR")) + "/tree/";
    const std::string path = root + relative;
    std::filesystem::create_directories(
        std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << contents;
    return {relative, path};
  }
};

TEST_F(CodeReposReaderTest, OneDocumentPerRepositoryAndBadFilesCounted) {
  std::vector<SourceFile> files = {
      Add("email/parser.py", "import email\n"),
      Add("email/header.py", "def h():\n    pass"),
      Add("json/__init__.py", "x = 1\n"),
      Add("os.py", "import sys\n"),
      Add("email/empty.py", ""),
      Add("email/blob.py", std::string("ab\0cd", 5)),
      Add("json/latin1.py", "caf\xe9\n"),
  };
  const Corpus corpus = ReadCodeRepos(files, "stdlib", "code_repos", 1);
  ASSERT_EQ(corpus.documents.size(), 3u);
  EXPECT_EQ(corpus.documents[0].name, "email");
  EXPECT_EQ(corpus.documents[1].name, "json");
  EXPECT_EQ(corpus.documents[2].name, "stdlib");
  const std::string& email = corpus.documents[0].text;
  EXPECT_NE(email.find("# File: email/parser.py\nimport email\n"),
            std::string::npos);
  // A file without a final newline gets one before the next header.
  EXPECT_NE(email.find("# File: email/header.py\ndef h():\n    pass\n"),
            std::string::npos);
  const auto& m = corpus.manifest;
  EXPECT_EQ(m.files_read(), 7);
  EXPECT_EQ(m.files_skipped_empty(), 1);
  EXPECT_EQ(m.files_skipped_binary(), 1);
  EXPECT_EQ(m.files_skipped_bad_utf8(), 1);
  EXPECT_EQ(m.documents(), 3);
  int64_t bytes = 0;
  for (const auto& d : corpus.documents) bytes += d.text.size();
  EXPECT_EQ(m.bytes(), bytes);
}

TEST_F(CodeReposReaderTest, FileOrderIsNotAlphabeticalButDeterministic) {
  std::vector<SourceFile> files;
  for (char c = 'a'; c <= 'h'; ++c) {
    files.push_back(Add(std::string("pkg/") + c + ".py", std::string(1, c)));
  }
  const Corpus first = ReadCodeRepos(files, "t", "code", 1);
  std::reverse(files.begin(), files.end());
  const Corpus second = ReadCodeRepos(files, "t", "code", 1);
  EXPECT_EQ(first.documents[0].text, second.documents[0].text);
  std::string alphabetical;
  for (char c = 'a'; c <= 'h'; ++c) {
    alphabetical += std::string("# File: pkg/") + c + ".py\n" + c + "\n\n";
  }
  EXPECT_NE(first.documents[0].text, alphabetical);
}

TEST_F(CodeReposReaderTest, DepthTwoGroupsRepositoriesInsideEachTree) {
  std::vector<SourceFile> files = {
      Add("go/net/http/server.go", "package http\n"),
      Add("go/net/ip.go", "package net\n"),
      Add("go/doc.go", "package go\n"),
      Add("python/email/parser.py", "import email\n"),
      Add("python/json/big.py.gz", "not really gzip"),
  };
  const Corpus corpus = ReadCodeRepos(files, "code", "code_repos", 2);
  ASSERT_EQ(corpus.documents.size(), 3u);
  EXPECT_EQ(corpus.documents[0].name, "go");
  EXPECT_EQ(corpus.documents[1].name, "go/net");
  EXPECT_EQ(corpus.documents[2].name, "python/email");
  EXPECT_NE(corpus.documents[1].text.find("# File: go/net/http/server.go\n"),
            std::string::npos);
  EXPECT_EQ(corpus.manifest.files_skipped_bad_compression(), 1);
  EXPECT_THROW(ReadCodeRepos(files, "code", "code_repos", 0),
               std::invalid_argument);
}

TEST(TextChecks, Utf8) {
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_TRUE(LooksBinary(std::string("a\0b", 3)));
  EXPECT_FALSE(LooksBinary("ab"));
}

}  // namespace
}  // namespace prolong::data
