#include "data/corpus/dictd_reader.h"

#include <gtest/gtest.h>

#include "tests/data/corpus/fixture_files.h"

namespace prolong::data {
namespace {

// dictd base64 of a small number (< 64 * 64).
std::string B64(int value) {
  static const char* kDigits =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  return value < 64 ? std::string(1, kDigits[value])
                    : std::string(1, kDigits[value / 64]) + kDigits[value % 64];
}

TEST(DictdReader, OneDocumentPerEntry) {
  const std::string text =
      "00-database-info\nFOLDOC\n"  // 0..23: metadata
      "lisp\n\n   A language.\n"    // 24..44
      "emacs\n\n   An editor.\n";   // 45..65
  const std::string index =
      "00-database-info\tA\tX\n"
      "emacs\t" +
      B64(45) + "\t" + B64(21) + "\n" + "gnu emacs\t" + B64(45) + "\t" +
      B64(21) + "\n" +  // same entry again
      "lisp\t" + B64(24) + "\t" + B64(21) + "\n" +
      "broken line without tabs\n" + "past the end\t" + B64(60) + "\t" +
      B64(40) + "\n" + "bad digits\t!!\tB\n";
  const std::vector<SourceFile> files = {
      WriteFixture("dict/foldoc.index", index),
      WriteFixture("dict/foldoc.dict.dz", Gzip(text)),
  };
  const Corpus corpus = ReadDictd(files, "short_encyclopedic");
  ASSERT_EQ(corpus.documents.size(), 2u);
  EXPECT_EQ(corpus.documents[0].name, "dict/foldoc:emacs");
  EXPECT_EQ(corpus.documents[0].text, "emacs\n\n   An editor.");
  EXPECT_EQ(corpus.documents[1].name, "dict/foldoc:lisp");
  EXPECT_EQ(corpus.documents[1].text, "lisp\n\n   A language.");
  const auto& m = corpus.manifest;
  EXPECT_EQ(m.reader(), "dictd");
  EXPECT_EQ(m.files_read(), 2);
  EXPECT_EQ(m.entries_skipped(), 3);
}

TEST(DictdReader, UnusableDictionaryYieldsNothingAndIsCounted) {
  const std::string gz = Gzip("word\n\n   meaning\n");
  const std::vector<SourceFile> files = {
      WriteFixture("cut/a.index", "word\tA\tR\n"),
      WriteFixture("cut/a.dict.dz", gz.substr(0, gz.size() - 4)),
      WriteFixture("cut/b.index", ""),
      WriteFixture("cut/b.dict", "word\n"),
      WriteFixture("cut/c.index", "word\tA\tE\n"),  // no dictionary at all
  };
  const Corpus corpus = ReadDictd(files, "short_encyclopedic");
  EXPECT_TRUE(corpus.documents.empty());
  EXPECT_EQ(corpus.manifest.files_skipped_bad_compression(), 1);
  EXPECT_EQ(corpus.manifest.files_skipped_empty(), 1);
}

TEST(DictdReader, OtherFilesAreAnErrorNamingTheFile) {
  const std::vector<SourceFile> files = {WriteFixture("x/readme.txt", "hi")};
  try {
    ReadDictd(files, "d");
    FAIL() << "no exception";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("x/readme.txt"),
              std::string::npos);
  }
}

TEST(DictdReader, Base64Numbers) {
  EXPECT_EQ(*DecodeDictdNumber("A"), 0);
  EXPECT_EQ(*DecodeDictdNumber("/"), 63);
  EXPECT_EQ(*DecodeDictdNumber("BA"), 64);
  EXPECT_EQ(*DecodeDictdNumber("Gb9L"), 6 * 262144 + 27 * 4096 + 61 * 64 + 11);
  EXPECT_FALSE(DecodeDictdNumber(""));
  EXPECT_FALSE(DecodeDictdNumber("A-B"));
  EXPECT_FALSE(DecodeDictdNumber("AAAAAAAAAAA"));
}

}  // namespace
}  // namespace prolong::data
