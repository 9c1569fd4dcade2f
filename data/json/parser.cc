#include "data/json/parser.h"

#include <charconv>
#include <cstdint>
#include <string>
#include <utility>

namespace prolong::data::json {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(uint32_t code_point, std::string* out) {
  if (code_point < 0x80) {
    out->push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

// Length of the valid UTF-8 sequence starting at s[0] (s[0] >= 0x80), or 0.
size_t Utf8SequenceLength(std::string_view s) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const auto continuation = [&](size_t i) {
    return i < s.size() && (byte(i) & 0xC0) == 0x80;
  };
  const unsigned char lead = byte(0);
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (!continuation(1) || !continuation(2)) return 0;
    if (lead == 0xE0 && byte(1) < 0xA0) return 0;   // Overlong.
    if (lead == 0xED && byte(1) >= 0xA0) return 0;  // Surrogate.
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (!continuation(1) || !continuation(2) || !continuation(3)) return 0;
    if (lead == 0xF0 && byte(1) < 0x90) return 0;   // Overlong.
    if (lead == 0xF4 && byte(1) >= 0x90) return 0;  // Above U+10FFFF.
    return 4;
  }
  return 0;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Value ParseDocument() {
    SkipWhitespace();
    Value value = ParseValue(0);
    SkipWhitespace();
    if (pos_ != text_.size()) Fail("unexpected text after the JSON value");
    return value;
  }

 private:
  [[noreturn]] void Fail(const std::string& reason) const {
    FailAt(pos_, reason);
  }

  [[noreturn]] void FailAt(size_t offset, const std::string& reason) const {
    int line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < offset && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    throw ParseError(line, static_cast<int>(offset - line_start) + 1, reason);
  }

  bool AtEnd() const { return pos_ >= text_.size(); }

  void SkipWhitespace() {
    while (!AtEnd()) {
      const char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      ++pos_;
    }
  }

  // Describes the next character for error messages.
  std::string Next() const {
    if (AtEnd()) return "end of input";
    const char c = text_[pos_];
    if (c >= 0x20 && c < 0x7F) return std::string("'") + c + "'";
    static const char kHex[] = "0123456789abcdef";
    const auto byte = static_cast<unsigned char>(c);
    return std::string("byte 0x") + kHex[byte >> 4] + kHex[byte & 0xF];
  }

  void Expect(char c, const char* context) {
    if (AtEnd() || text_[pos_] != c) {
      Fail(std::string("expected '") + c + "' " + context + ", got " + Next());
    }
    ++pos_;
  }

  void ExpectLiteral(std::string_view literal) {
    if (text_.substr(pos_, literal.size()) != literal) {
      Fail("invalid literal, expected '" + std::string(literal) + "'");
    }
    pos_ += literal.size();
  }

  Value ParseValue(int depth) {
    if (AtEnd()) Fail("unexpected end of input, expected a value");
    switch (text_[pos_]) {
      case '{':
        return ParseObject(depth + 1);
      case '[':
        return ParseArray(depth + 1);
      case '"':
        return Value(ParseString());
      case 't':
        ExpectLiteral("true");
        return Value(true);
      case 'f':
        ExpectLiteral("false");
        return Value(false);
      case 'n':
        ExpectLiteral("null");
        return Value();
      default:
        if (text_[pos_] == '-' || IsDigit(text_[pos_])) return ParseNumber();
        Fail("expected a value, got " + Next());
    }
  }

  void CheckDepth(int depth) const {
    if (depth > kMaxParseDepth) {
      Fail("nesting deeper than " + std::to_string(kMaxParseDepth) + " levels");
    }
  }

  Value ParseObject(int depth) {
    CheckDepth(depth);
    ++pos_;  // '{'
    Value::Object members;
    SkipWhitespace();
    if (!AtEnd() && text_[pos_] == '}') {
      ++pos_;
      return Value(std::move(members));
    }
    while (true) {
      SkipWhitespace();
      if (AtEnd() || text_[pos_] != '"') {
        Fail("expected a string key in object, got " + Next());
      }
      std::string key = ParseString();
      SkipWhitespace();
      Expect(':', "after object key");
      SkipWhitespace();
      Value value = ParseValue(depth);
      members.emplace_back(std::move(key), std::move(value));
      SkipWhitespace();
      if (!AtEnd() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      Expect('}', "or ',' in object");
      return Value(std::move(members));
    }
  }

  Value ParseArray(int depth) {
    CheckDepth(depth);
    ++pos_;  // '['
    Value::Array elements;
    SkipWhitespace();
    if (!AtEnd() && text_[pos_] == ']') {
      ++pos_;
      return Value(std::move(elements));
    }
    while (true) {
      SkipWhitespace();
      elements.push_back(ParseValue(depth));
      SkipWhitespace();
      if (!AtEnd() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      Expect(']', "or ',' in array");
      return Value(std::move(elements));
    }
  }

  // Reads the four hex digits of a \u escape; pos_ is at the first digit.
  uint32_t ParseHex4() {
    if (text_.size() - pos_ < 4) Fail("truncated \\u escape");
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = HexValue(text_[pos_]);
      if (digit < 0) Fail("invalid hex digit in \\u escape: " + Next());
      value = value * 16 + static_cast<uint32_t>(digit);
      ++pos_;
    }
    return value;
  }

  // pos_ is just after the 'u' of a \u escape.
  uint32_t ParseUnicodeEscape() {
    const size_t escape_start = pos_ - 2;
    const uint32_t unit = ParseHex4();
    if (unit >= 0xDC00 && unit <= 0xDFFF) {
      FailAt(escape_start, "unpaired low surrogate in \\u escape");
    }
    if (unit < 0xD800 || unit > 0xDBFF) return unit;
    if (text_.substr(pos_, 2) != "\\u") {
      FailAt(escape_start, "high surrogate not followed by a low surrogate");
    }
    pos_ += 2;
    const uint32_t low = ParseHex4();
    if (low < 0xDC00 || low > 0xDFFF) {
      FailAt(escape_start, "high surrogate not followed by a low surrogate");
    }
    return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
  }

  std::string ParseString() {
    const size_t start = pos_;
    ++pos_;  // '"'
    std::string out;
    while (true) {
      // Copy the run of plain ASCII characters in one go.
      size_t run_end = pos_;
      while (run_end < text_.size()) {
        const auto c = static_cast<unsigned char>(text_[run_end]);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
        ++run_end;
      }
      out.append(text_.data() + pos_, run_end - pos_);
      pos_ = run_end;
      if (AtEnd()) FailAt(start, "unterminated string");
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c < 0x20) Fail("control character in string (must be escaped)");
      if (c >= 0x80) {
        const size_t length = Utf8SequenceLength(text_.substr(pos_));
        if (length == 0) Fail("invalid UTF-8 in string");
        out.append(text_.data() + pos_, length);
        pos_ += length;
        continue;
      }
      ++pos_;  // '\\'
      if (AtEnd()) FailAt(start, "unterminated string");
      const char escape = text_[pos_++];
      switch (escape) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u':
          AppendUtf8(ParseUnicodeEscape(), &out);
          break;
        default:
          pos_ -= 2;  // Point at the backslash.
          Fail("invalid escape '\\" + std::string(1, escape) + "' in string");
      }
    }
  }

  Value ParseNumber() {
    const size_t start = pos_;
    bool integral = true;
    if (text_[pos_] == '-') ++pos_;
    if (AtEnd() || !IsDigit(text_[pos_])) Fail("expected a digit in number");
    if (text_[pos_] == '0') {
      ++pos_;
      if (!AtEnd() && IsDigit(text_[pos_])) {
        Fail("leading zeros are not allowed in numbers");
      }
    } else {
      while (!AtEnd() && IsDigit(text_[pos_])) ++pos_;
    }
    if (!AtEnd() && text_[pos_] == '.') {
      integral = false;
      ++pos_;
      if (AtEnd() || !IsDigit(text_[pos_])) {
        Fail("expected a digit after the decimal point");
      }
      while (!AtEnd() && IsDigit(text_[pos_])) ++pos_;
    }
    if (!AtEnd() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      integral = false;
      ++pos_;
      if (!AtEnd() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (AtEnd() || !IsDigit(text_[pos_])) {
        Fail("expected a digit in the exponent");
      }
      while (!AtEnd() && IsDigit(text_[pos_])) ++pos_;
    }
    const char* first = text_.data() + start;
    const char* last = text_.data() + pos_;
    if (integral) {
      int64_t value = 0;
      const auto result = std::from_chars(first, last, value);
      if (result.ec == std::errc() && result.ptr == last) return Value(value);
      // Too large for int64_t: fall through to double.
    }
    double value = 0;
    const auto result = std::from_chars(first, last, value);
    if (result.ec != std::errc() || result.ptr != last) {
      FailAt(start, "number out of the range of a double");
    }
    return Value(value);
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

ParseError::ParseError(int line, int column, const std::string& reason)
    : std::runtime_error("line " + std::to_string(line) + ", column " +
                         std::to_string(column) + ": " + reason),
      line_(line),
      column_(column) {}

Value Parse(std::string_view text) { return Parser(text).ParseDocument(); }

}  // namespace prolong::data::json
