// Parses arbitrary bytes as one JSON value (checking that writing it and
// parsing it again gives the same value) and as HELMET JSON Lines files.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>

#include "data/json/parser.h"
#include "data/json/value.h"
#include "data/json/writer.h"
#include "data/tasks/helmet_jsonl.h"

namespace {

namespace json = ::prolong::data::json;

void CheckJsonRoundTrip(std::string_view text) {
  json::Value value;
  try {
    value = json::Parse(text);
  } catch (const json::ParseError&) {
    return;
  }
  for (int indent : {-1, 2}) {
    if (!(json::Parse(json::Write(value, indent)) == value)) {
      std::fprintf(stderr, "Parse(Write(value, %d)) != value\n", indent);
      std::abort();
    }
  }
}

// The row readers may reject a row with any std::exception (a field of the
// wrong type, a label that is not a number); they must not crash.
template <typename Read>
void ReadRows(Read read, std::string_view text) {
  try {
    read(text);
  } catch (const std::exception&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return -1;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckJsonRoundTrip(text);
  ReadRows(prolong::data::ReadHelmetRows, text);
  ReadRows(prolong::data::ReadLabelledTexts, text);
  ReadRows(
      [](std::string_view jsonl) {
        for (const json::Value& row : prolong::data::ParseJsonLines(jsonl)) {
          prolong::data::AnswerList(row);
        }
      },
      text);
  return 0;
}
