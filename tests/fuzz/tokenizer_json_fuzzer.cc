// Loads arbitrary bytes as a tokenizer.json. When that succeeds, encodes the
// input itself (and a fixed sample) and checks that every id is in the
// vocabulary and that decoding gives back the exact bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "data/tokenizer/bpe_tokenizer.h"
#include "tests/fuzz/temp_file.h"

namespace {

using std::literals::string_view_literals::operator""sv;

void CheckRoundTrip(const prolong::data::BpeTokenizer& tokenizer,
                    std::string_view text) {
  const std::vector<int32_t> ids = tokenizer.Encode(text);
  for (int32_t id : ids) {
    if (id < 0 || id >= tokenizer.vocab_size()) {
      std::fprintf(stderr, "id %d outside vocabulary of %d\n", id,
                   tokenizer.vocab_size());
      std::abort();
    }
  }
  if (tokenizer.Decode(ids) != text) {
    std::fprintf(stderr, "Decode(Encode(text)) != text\n");
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return -1;
  std::optional<prolong::data::BpeTokenizer> tokenizer;
  try {
    const prolong::fuzz::TempFile file(data, size);
    tokenizer.emplace(prolong::data::BpeTokenizer::Load(file.path()));
  } catch (const std::runtime_error&) {
    return 0;
  }
  CheckRoundTrip(*tokenizer, "Hello world, 123 tokens!\n\t\xC3\xA9\xFF\0x"sv);
  CheckRoundTrip(*tokenizer,
                 std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
