#include "data/tokenizer/pretokenizer.h"

#include <array>
#include <cstdint>

namespace prolong::data {
namespace {

enum class ByteClass : uint8_t { kLetter, kDigit, kSpace, kOther };

constexpr std::array<ByteClass, 256> MakeClassTable() {
  std::array<ByteClass, 256> table{};
  for (int b = 0; b < 256; ++b) {
    if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || b >= 0x80) {
      table[b] = ByteClass::kLetter;
    } else if (b >= '0' && b <= '9') {
      table[b] = ByteClass::kDigit;
    } else if (b == ' ' || (b >= '\t' && b <= '\r')) {
      table[b] = ByteClass::kSpace;
    } else {
      table[b] = ByteClass::kOther;
    }
  }
  return table;
}

constexpr std::array<ByteClass, 256> kClassTable = MakeClassTable();

ByteClass ClassOf(char c) { return kClassTable[static_cast<unsigned char>(c)]; }

// Length of the contraction ('s 't 're 've 'm 'll 'd) at text[begin], or 0.
size_t ContractionLength(std::string_view text, size_t begin) {
  if (text[begin] != '\'' || begin + 1 >= text.size()) return 0;
  const char c1 = text[begin + 1];
  if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd') return 2;
  if (begin + 2 >= text.size()) return 0;
  const char c2 = text[begin + 2];
  if ((c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') ||
      (c1 == 'l' && c2 == 'l')) {
    return 3;
  }
  return 0;
}

}  // namespace

const char kPreTokenPattern[] =
    "'s|'t|'re|'ve|'m|'ll|'d"
    "| ?[A-Za-z\\x{80}-\\x{10FFFF}]+"
    "|[0-9]{1,3}"
    "| ?[^\\t\\n\\x{0B}\\f\\r A-Za-z0-9\\x{80}-\\x{10FFFF}]+"
    "|[\\t\\n\\x{0B}\\f\\r ]+(?![^\\t\\n\\x{0B}\\f\\r ])"
    "|[\\t\\n\\x{0B}\\f\\r ]+";

size_t PreTokenEnd(std::string_view text, size_t begin) {
  const size_t contraction = ContractionLength(text, begin);
  if (contraction > 0) return begin + contraction;
  const size_t n = text.size();
  size_t i = begin;
  ByteClass cls = ClassOf(text[begin]);
  // A single leading space joins a following run of letters or symbols.
  if (text[begin] == ' ' && begin + 1 < n) {
    const ByteClass next = ClassOf(text[begin + 1]);
    if (next == ByteClass::kLetter || next == ByteClass::kOther) {
      cls = next;
      ++i;
    }
  }
  switch (cls) {
    case ByteClass::kLetter:
    case ByteClass::kOther:
      while (i < n && ClassOf(text[i]) == cls) ++i;
      return i;
    case ByteClass::kDigit: {
      const size_t limit = begin + 3 < n ? begin + 3 : n;
      while (i < limit && ClassOf(text[i]) == ByteClass::kDigit) ++i;
      return i;
    }
    case ByteClass::kSpace:
      while (i < n && ClassOf(text[i]) == ByteClass::kSpace) ++i;
      // \s+(?!\S): before a non-space, a run of two or more leaves its last
      // space to start the next pre-token.
      return (i == n || i - begin == 1) ? i : i - 1;
  }
  return i;
}

size_t NextSafeSplit(std::string_view text, size_t from) {
  // Only contractions and letter runs contain letters, and both end at the
  // first non-letter, so a pre-token always ends between a letter and a
  // non-letter; the split after that is independent of what came before.
  for (size_t p = from > 0 ? from : 1; p < text.size(); ++p) {
    if (ClassOf(text[p - 1]) == ByteClass::kLetter &&
        ClassOf(text[p]) != ByteClass::kLetter) {
      return p;
    }
  }
  return text.size();
}

}  // namespace prolong::data
