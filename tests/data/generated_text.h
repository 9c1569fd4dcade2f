// Deterministic pseudo-English text for tokenizer tests: words with a
// Zipf-like frequency, capitals, contractions, numbers, punctuation,
// indentation, blank lines and some non-ASCII words.

#ifndef PROLONG_TESTS_DATA_GENERATED_TEXT_H_
#define PROLONG_TESTS_DATA_GENERATED_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace prolong::data {

// About `bytes` bytes of text; the same for the same seed on every platform.
std::string GeneratedText(size_t bytes, uint64_t seed);

// `length` uniformly random bytes (NUL and invalid UTF-8 included).
std::string RandomBytes(size_t length, uint64_t seed);

}  // namespace prolong::data

#endif  // PROLONG_TESTS_DATA_GENERATED_TEXT_H_
