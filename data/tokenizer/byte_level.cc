#include "data/tokenizer/byte_level.h"

#include <array>
#include <cstdint>

namespace prolong::data {
namespace {

// Code points above this are outside the alphabet (256 + 68 - 1 = 0x143).
constexpr uint32_t kMaxCodePoint = 0x143;

bool StandsForItself(int byte) {
  return (byte >= '!' && byte <= '~') || (byte >= 0xA1 && byte <= 0xAC) ||
         (byte >= 0xAE && byte <= 0xFF);
}

struct Tables {
  std::array<uint32_t, 256> code_point_of_byte;
  std::array<int, kMaxCodePoint + 1> byte_of_code_point;  // -1: none.
};

const Tables& GetTables() {
  static const Tables tables = [] {
    Tables t;
    t.byte_of_code_point.fill(-1);
    uint32_t next_extra = 256;
    for (int byte = 0; byte < 256; ++byte) {
      const uint32_t code_point =
          StandsForItself(byte) ? static_cast<uint32_t>(byte) : next_extra++;
      t.code_point_of_byte[byte] = code_point;
      t.byte_of_code_point[code_point] = byte;
    }
    return t;
  }();
  return tables;
}

}  // namespace

std::string ToByteLevel(std::string_view bytes) {
  const Tables& tables = GetTables();
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const uint32_t code_point =
        tables.code_point_of_byte[static_cast<unsigned char>(c)];
    if (code_point < 0x80) {
      out.push_back(static_cast<char>(code_point));
    } else {  // All code points are below 0x800: two UTF-8 bytes.
      out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
      out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    }
  }
  return out;
}

std::optional<std::string> FromByteLevel(std::string_view text) {
  const Tables& tables = GetTables();
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    uint32_t code_point;
    if (lead < 0x80) {
      code_point = lead;
      i += 1;
    } else if ((lead & 0xE0) == 0xC0 && i + 1 < text.size() &&
               (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80) {
      code_point = ((lead & 0x1Fu) << 6) |
                   (static_cast<unsigned char>(text[i + 1]) & 0x3Fu);
      i += 2;
      if (code_point < 0x80) return std::nullopt;  // Overlong encoding.
    } else {
      return std::nullopt;  // Longer sequences are all above kMaxCodePoint.
    }
    if (code_point > kMaxCodePoint) return std::nullopt;
    const int byte = tables.byte_of_code_point[code_point];
    if (byte < 0) return std::nullopt;
    out.push_back(static_cast<char>(byte));
  }
  return out;
}

}  // namespace prolong::data
