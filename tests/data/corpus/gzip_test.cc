#include "data/corpus/gzip.h"

#include <gtest/gtest.h>

#include "tests/data/corpus/fixture_files.h"

namespace prolong::data {
namespace {

TEST(Gzip, RoundTripAndConcatenatedMembers) {
  const std::string text(100000, 'x');
  std::string out;
  ASSERT_TRUE(Gunzip(Gzip(text), &out));
  EXPECT_EQ(out, text);
  ASSERT_TRUE(Gunzip(Gzip("first ") + Gzip("second"), &out));
  EXPECT_EQ(out, "first second");
  ASSERT_TRUE(Gunzip(Gzip(""), &out));
  EXPECT_EQ(out, "");
}

TEST(Gzip, TruncatedOrCorruptInputFails) {
  const std::string compressed = Gzip("some text that compresses, some text");
  std::string out;
  EXPECT_FALSE(Gunzip(compressed.substr(0, compressed.size() / 2), &out));
  EXPECT_FALSE(Gunzip(compressed.substr(0, 5), &out));
  EXPECT_FALSE(Gunzip("not gzip at all", &out));
  std::string corrupt = compressed;
  corrupt[corrupt.size() - 3] ^= 0x55;  // the CRC/length trailer
  EXPECT_FALSE(Gunzip(corrupt, &out));
  EXPECT_FALSE(Gunzip(compressed + "trailing junk", &out));
}

TEST(Gzip, Names) {
  EXPECT_TRUE(IsGzipName("man3/printf.3.gz"));
  EXPECT_TRUE(IsGzipName("foldoc.dict.dz"));
  EXPECT_FALSE(IsGzipName("gz"));
  EXPECT_FALSE(IsGzipName("notes.txt"));
}

}  // namespace
}  // namespace prolong::data
