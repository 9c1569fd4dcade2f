// The pieces RULER's needle-in-a-haystack tasks share (RULER
// scripts/data/synthetic/niah.py and constants.py, as HELMET formats them).
#ifndef PROLONG_DATA_TASKS_RULER_NEEDLE_H_
#define PROLONG_DATA_TASKS_RULER_NEEDLE_H_

#include <string>

#include "data/rng.h"

namespace prolong::data {

// What the needles hold, named as RULER's type_needle_v ("numbers" or
// "uuids"); the singular drops the final 's'.
struct NeedleType {
  std::string plural;
  std::string Singular() const { return plural.substr(0, plural.size() - 1); }
};

// "{adjective}-{noun}" from the built-in word lists (RULER's "words" keys).
std::string RandomWordKey(Rng* rng);

// A 7-digit number in [10^6, 10^7) (RULER's "numbers" values).
std::string RandomSevenDigits(Rng* rng);

// "One of the special magic {plural} for {key} is: {value}."
std::string NeedleSentence(const NeedleType& type, const std::string& key,
                           const std::string& value);

// HELMET's RULER NIAH prompt (user template + "\n" + system template). One
// value (multi_value = false):
//   A special magic {singular} is hidden within the following text. Make
//   sure to memorize it. I will quiz you about the {singular}
//   afterwards.\n{context}\nWhat is the special magic {singular} for
//   {query} mentioned in the provided text?\nThe special magic {singular}
//   for {query} mentioned in the provided text is
// Several values: "Some special magic {plural} are hidden ... about the
// {plural} afterwards ... What are all the special magic {plural} for ...
// \nThe special magic {plural} for {query} mentioned in the provided text
// are".
std::string NiahPrompt(const NeedleType& type, bool multi_value,
                       const std::string& context, const std::string& query);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_RULER_NEEDLE_H_
