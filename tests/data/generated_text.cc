#include "tests/data/generated_text.h"

#include <random>
#include <vector>

namespace prolong::data {

std::string GeneratedText(size_t bytes, uint64_t seed) {
  static const char* const kSyllables[] = {
      "the", "an",  "ing", "re", "con", "ter", "al", "ed", "ion", "st",
      "o",   "pro", "in",  "a",  "de",  "com", "ly", "er", "ca",  "th"};
  static const char* const kExtras[] = {
      "don't",        "it's",
      "we're",        "I'll",
      "they've",      "caf\xC3\xA9",
      "na\xC3\xAFve", "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E",
      "--",           "==",
      "(x)",          "\"quoted\"",
      "f(a, b)",      "\xE2\x80\x94",
      "x_1"};
  std::mt19937_64 rng(seed);
  // Word k is built from syllables; small k is much more frequent.
  std::vector<std::string> words;
  for (int k = 0; k < 400; ++k) {
    std::string word;
    const int syllables = 1 + static_cast<int>(rng() % 3);
    for (int s = 0; s < syllables; ++s) word += kSyllables[rng() % 20];
    words.push_back(word);
  }
  std::string text;
  bool sentence_start = true;
  while (text.size() < bytes) {
    const uint64_t roll = rng() % 100;
    std::string token;
    if (roll < 80) {
      // Zipf-like: the minimum of two uniform draws favours low ranks.
      const uint64_t a = rng() % words.size(), b = rng() % words.size();
      token = words[a < b ? a : b];
      if (sentence_start) token[0] = static_cast<char>(token[0] - 'a' + 'A');
    } else if (roll < 87) {
      token = std::to_string(rng() % 10000000);
    } else {
      token = kExtras[rng() % (sizeof(kExtras) / sizeof(kExtras[0]))];
    }
    text += token;
    sentence_start = false;
    const uint64_t gap = rng() % 100;
    if (gap < 75) {
      text += ' ';
    } else if (gap < 85) {
      text += ", ";
    } else if (gap < 92) {
      text += ". ";
      sentence_start = true;
    } else if (gap < 96) {
      text += ".\n";
      sentence_start = true;
    } else if (gap < 98) {
      text += "\n\n    ";
    } else {
      text += "  ";
    }
  }
  return text;
}

std::string RandomBytes(size_t length, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string bytes(length, '\0');
  for (char& c : bytes) c = static_cast<char>(rng() & 0xFF);
  return bytes;
}

}  // namespace prolong::data
