// Splits text into pre-tokens, the units BPE merges never cross.
//
// A hand-written equivalent of the regular expression
//   's|'t|'re|'ve|'m|'ll|'d| ?L+|N{1,3}| ?[^sLN]+|s+(?!S)|s+
// (GPT-2's pattern with Llama-3's digit groups of at most three), where the
// classes are defined on bytes:
//   L (letters): A-Z, a-z and every byte >= 0x80,
//   N (digits):  0-9,
//   s (spaces):  '\t' '\n' '\v' '\f' '\r' ' '   (S: any other byte).
// Treating all non-ASCII bytes as letters approximates Unicode's \p{L}: it
// keeps multi-byte characters whole, but non-ASCII punctuation, digits and
// spaces (e.g. U+2014, U+00B2, U+00A0) join adjacent letters instead of being
// split off as Unicode-aware tokenizers do. Contractions are case-sensitive,
// as in GPT-2. Every byte string splits (invalid UTF-8 and NUL included).

#ifndef PROLONG_DATA_TOKENIZER_PRETOKENIZER_H_
#define PROLONG_DATA_TOKENIZER_PRETOKENIZER_H_

#include <cstddef>
#include <string_view>

namespace prolong::data {

// The same split as an Oniguruma regular expression over Unicode text, for
// the "Split" pre-tokenizer of a Hugging Face tokenizer.json. On valid UTF-8
// it gives exactly the pre-tokens of PreTokenEnd.
extern const char kPreTokenPattern[];

// The end of the pre-token that starts at `begin` (< text.size()).
size_t PreTokenEnd(std::string_view text, size_t begin);

// The smallest position p >= from that is a pre-token boundary no matter
// where splitting started before it (so text[0, p) and text[p, end) can be
// split separately with the same result), or text.size() if there is none.
size_t NextSafeSplit(std::string_view text, size_t from);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TOKENIZER_PRETOKENIZER_H_
