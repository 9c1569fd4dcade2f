#include "data/tokenizer/byte_level.h"

#include <string>

#include "gtest/gtest.h"

namespace prolong::data {
namespace {

TEST(ByteLevelTest, MapsBytesLikeGpt2) {
  EXPECT_EQ(ToByteLevel("Hi!~"), "Hi!~");
  EXPECT_EQ(ToByteLevel(" "), "\xC4\xA0");                   // U+0120 'Ġ'
  EXPECT_EQ(ToByteLevel("\n"), "\xC4\x8A");                  // U+010A 'Ċ'
  EXPECT_EQ(ToByteLevel(std::string(1, '\0')), "\xC4\x80");  // U+0100
  EXPECT_EQ(ToByteLevel("\x7F"), "\xC4\xA1");                // U+0121
  EXPECT_EQ(ToByteLevel("\xAD"), "\xC5\x83");  // U+0143, the last one.
  EXPECT_EQ(ToByteLevel("\xE9"), "\xC3\xA9");  // 'é' stands for itself.
}

TEST(ByteLevelTest, AllBytesRoundTrip) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  const std::string text = ToByteLevel(all);
  EXPECT_EQ(FromByteLevel(text), all);
}

TEST(ByteLevelTest, RejectsTextOutsideTheAlphabet) {
  EXPECT_EQ(FromByteLevel(" "), std::nullopt);  // Space is 'Ġ'.
  EXPECT_EQ(FromByteLevel("\x01"), std::nullopt);
  EXPECT_EQ(FromByteLevel("\xC5\x84"), std::nullopt);      // U+0144
  EXPECT_EQ(FromByteLevel("\xE2\x82\xAC"), std::nullopt);  // U+20AC
  EXPECT_EQ(FromByteLevel("\xC4"), std::nullopt);          // Truncated.
  EXPECT_EQ(FromByteLevel("\xC0\xA1"), std::nullopt);      // Overlong '!'.
  EXPECT_EQ(FromByteLevel(""), std::string());
}

}  // namespace
}  // namespace prolong::data
