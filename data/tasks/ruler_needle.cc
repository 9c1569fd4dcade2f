#include "data/tasks/ruler_needle.h"

#include "data/tasks/word_lists.h"

namespace prolong::data {

std::string RandomWordKey(Rng* rng) {
  const auto& adjectives = Adjectives();
  const auto& nouns = Nouns();
  std::string key = adjectives[rng->Below(adjectives.size())];
  return key + "-" + nouns[rng->Below(nouns.size())];
}

std::string RandomSevenDigits(Rng* rng) {
  return std::to_string(1000000 + rng->Below(9000000));
}

std::string NeedleSentence(const NeedleType& type, const std::string& key,
                           const std::string& value) {
  return "One of the special magic " + type.plural + " for " + key +
         " is: " + value + ".";
}

std::string NiahPrompt(const NeedleType& type, bool multi_value,
                       const std::string& context, const std::string& query) {
  if (multi_value) {
    const std::string& v = type.plural;
    return "Some special magic " + v +
           " are hidden within the following text. Make sure to memorize "
           "it. I will quiz you about the " +
           v + " afterwards.\n" + context +
           "\nWhat are all the special magic " + v + " for " + query +
           " mentioned in the provided text?\n" + "The special magic " + v +
           " for " + query + " mentioned in the provided text are";
  }
  const std::string v = type.Singular();
  return "A special magic " + v +
         " is hidden within the following text. Make sure to memorize it. I "
         "will quiz you about the " +
         v + " afterwards.\n" + context + "\nWhat is the special magic " + v +
         " for " + query + " mentioned in the provided text?\n" +
         "The special magic " + v + " for " + query +
         " mentioned in the provided text is";
}

}  // namespace prolong::data
