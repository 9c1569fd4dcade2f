#include "data/tasks/uuid.h"

#include <cstdint>

namespace prolong::data {

std::string RandomUuid4(Rng* rng) {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t hi = rng->Next(), lo = rng->Next();
  hi = (hi & ~(uint64_t{0xf} << 12)) | (uint64_t{4} << 12);  // version 4
  lo = (lo & ~(uint64_t{3} << 62)) | (uint64_t{2} << 62);    // variant 10
  std::string out;
  for (int i = 0; i < 32; ++i) {
    const uint64_t word = i < 16 ? hi : lo;
    const int shift = 60 - 4 * (i % 16);
    out += kHex[(word >> shift) & 0xf];
    if (i == 7 || i == 11 || i == 15 || i == 19) out += '-';
  }
  return out;
}

}  // namespace prolong::data
