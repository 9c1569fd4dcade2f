#include "data/tokenizer/pretokenizer.h"

#include <random>
#include <regex>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/data/generated_text.h"

namespace prolong::data {
namespace {

std::vector<std::string> Split(std::string_view text) {
  std::vector<std::string> pieces;
  for (size_t begin = 0; begin < text.size();) {
    const size_t end = PreTokenEnd(text, begin);
    EXPECT_GT(end, begin);
    pieces.emplace_back(text.substr(begin, end - begin));
    begin = end;
  }
  return pieces;
}

// The documented regular expression, run by std::regex (ECMAScript) on ASCII
// text; bytes >= 0x80 are first replaced by 'x', which is in the same class.
std::vector<std::string> RegexSplit(const std::string& text) {
  static const std::regex pattern(
      "'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+|[0-9]{1,3}| ?[^\\s A-Za-z0-9]+"
      "|\\s+(?!\\S)|\\s+");
  std::string ascii = text;
  for (char& c : ascii) {
    if (static_cast<unsigned char>(c) >= 0x80) c = 'x';
  }
  std::vector<std::string> pieces;
  size_t expected_begin = 0;
  for (auto it = std::sregex_iterator(ascii.begin(), ascii.end(), pattern);
       it != std::sregex_iterator(); ++it) {
    EXPECT_EQ(static_cast<size_t>(it->position()), expected_begin);
    pieces.push_back(text.substr(it->position(), it->length()));
    expected_begin = it->position() + it->length();
  }
  EXPECT_EQ(expected_begin, text.size());
  return pieces;
}

using Pieces = std::vector<std::string>;

TEST(PreTokenizerTest, SplitsLikeGpt2WithLlama3Digits) {
  EXPECT_EQ(Split("Hello world"), (Pieces{"Hello", " world"}));
  EXPECT_EQ(Split("it's they'll we've I'm he'd don't you're"),
            (Pieces{"it", "'s", " they", "'ll", " we", "'ve", " I", "'m", " he",
                    "'d", " don", "'t", " you", "'re"}));
  EXPECT_EQ(Split("'sun 'x IT'S"),
            (Pieces{"'s", "un", " '", "x", " IT", "'", "S"}));
  EXPECT_EQ(Split("1234567 x12"), (Pieces{"123", "456", "7", " x", "12"}));
  EXPECT_EQ(Split("x 12"), (Pieces{"x", " ", "12"}));  // Digits take no space.
  EXPECT_EQ(Split("a  b   c"), (Pieces{"a", " ", " b", "  ", " c"}));
  // As in GPT-2, a newline run before a word leaves its last newline alone.
  EXPECT_EQ(Split("a\n\nb \n c"), (Pieces{"a", "\n", "\n", "b", " \n", " c"}));
  EXPECT_EQ(Split("f(x) += !!y"),
            (Pieces{"f", "(", "x", ")", " +=", " !!", "y"}));
  EXPECT_EQ(Split("end.  "), (Pieces{"end", ".", "  "}));
  EXPECT_EQ(Split("\tx \t1"), (Pieces{"\t", "x", " ", "\t", "1"}));
  EXPECT_EQ(Split(" caf\xC3\xA9\xE2\x80\x94ok"),
            (Pieces{" caf\xC3\xA9\xE2\x80\x94ok"}));
  EXPECT_EQ(Split(std::string("a\0b", 3)),
            (Pieces{"a", std::string(1, '\0'), "b"}));
  EXPECT_EQ(Split(""), Pieces{});
}

TEST(PreTokenizerTest, MatchesRegexOnRandomText) {
  // Random strings over an alphabet of every class, with repeats.
  const std::string alphabet =
      std::string("aZ'smrvetld09 \t\n\r\v\f!.,(\x80\xC3\xFF") +
      std::string(1, '\0');
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 2000; ++trial) {
    std::string text(rng() % 24, ' ');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    ASSERT_EQ(Split(text), RegexSplit(text)) << "text: " << text;
  }
  const std::string generated = GeneratedText(20000, 3);
  EXPECT_EQ(Split(generated), RegexSplit(generated));
}

TEST(PreTokenizerTest, SafeSplitsDoNotChangeThePieces) {
  for (const std::string& text :
       {GeneratedText(5000, 1), RandomBytes(5000, 2)}) {
    const Pieces whole = Split(text);
    size_t splits = 0;
    for (size_t from = 0; from < text.size(); from += 97) {
      const size_t p = NextSafeSplit(text, from);
      ASSERT_GE(p, from);
      Pieces parts = Split(std::string_view(text).substr(0, p));
      const Pieces rest = Split(std::string_view(text).substr(p));
      parts.insert(parts.end(), rest.begin(), rest.end());
      ASSERT_EQ(parts, whole) << "split at " << p;
      if (p < text.size()) ++splits;
    }
    EXPECT_GT(splits, 10u);
  }
  EXPECT_EQ(NextSafeSplit("12 ... ", 0), 7u);  // No letter: no safe split.
  EXPECT_EQ(NextSafeSplit("ab cd", 0), 2u);
  EXPECT_EQ(NextSafeSplit("ab cd", 3), 5u);
}

}  // namespace
}  // namespace prolong::data
