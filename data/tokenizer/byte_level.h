// GPT-2's reversible mapping between bytes and printable Unicode characters
// ("bytes_to_unicode"), used by byte-level BPE vocabularies: printable bytes
// ('!'..'~', U+00A1..U+00AC, U+00AE..U+00FF) stand for themselves and the
// other 68 bytes map, in order, to U+0100..U+0143 (so ' ' is 'Ġ', U+0120).

#ifndef PROLONG_DATA_TOKENIZER_BYTE_LEVEL_H_
#define PROLONG_DATA_TOKENIZER_BYTE_LEVEL_H_

#include <optional>
#include <string>
#include <string_view>

namespace prolong::data {

// Each byte of `bytes` replaced by the UTF-8 of its character.
std::string ToByteLevel(std::string_view bytes);

// The inverse of ToByteLevel; nullopt if `text` is not valid UTF-8 or holds a
// character outside the 256-character alphabet.
std::optional<std::string> FromByteLevel(std::string_view text);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TOKENIZER_BYTE_LEVEL_H_
