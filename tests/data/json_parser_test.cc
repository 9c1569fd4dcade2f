#include <string>

#include "data/json/parser.h"
#include "data/json/value.h"
#include "gtest/gtest.h"

namespace prolong::data::json {
namespace {

TEST(JsonParserTest, ParsesScalars) {
  EXPECT_TRUE(Parse("null").is_null());
  EXPECT_TRUE(Parse(" true ").AsBool());
  EXPECT_FALSE(Parse("false").AsBool());
  EXPECT_EQ(Parse("\"hi\"").AsString(), "hi");
}

TEST(JsonParserTest, ParsesNumbers) {
  EXPECT_TRUE(Parse("0").is_integer());
  EXPECT_EQ(Parse("-42").AsInt(), -42);
  EXPECT_EQ(Parse("9223372036854775807").AsInt(), INT64_MAX);
  EXPECT_EQ(Parse("-9223372036854775808").AsInt(), INT64_MIN);
  // Too large for int64_t: kept as a double.
  const Value big = Parse("9223372036854775808");
  EXPECT_FALSE(big.is_integer());
  EXPECT_DOUBLE_EQ(big.AsDouble(), 9223372036854775808.0);
  EXPECT_DOUBLE_EQ(Parse("1.5").AsDouble(), 1.5);
  EXPECT_DOUBLE_EQ(Parse("-2.5e-3").AsDouble(), -2.5e-3);
  EXPECT_DOUBLE_EQ(Parse("1E+2").AsDouble(), 100.0);
  EXPECT_FALSE(Parse("1.0").is_integer());
  EXPECT_EQ(Parse("1.0").AsInt(), 1);  // Integral doubles read as integers.
  EXPECT_THROW(Parse("1.5").AsInt(), TypeError);
}

TEST(JsonParserTest, DecodesEscapes) {
  EXPECT_EQ(Parse(R"("a\"b\\c\/d\b\f\n\r\t")").AsString(),
            "a\"b\\c/d\b\f\n\r\t");
  EXPECT_EQ(Parse(R"("\u0041\u00e9\u20AC")").AsString(),
            "A\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(Parse(R"("\u0000")").AsString(), std::string(1, '\0'));
  // U+1F600 as a surrogate pair.
  EXPECT_EQ(Parse(R"("\ud83d\ude00")").AsString(), "\xF0\x9F\x98\x80");
}

TEST(JsonParserTest, KeepsRawUtf8) {
  EXPECT_EQ(Parse("\"\xC4\xA0x\xF0\x9F\x98\x80\"").AsString(),
            "\xC4\xA0x\xF0\x9F\x98\x80");
}

TEST(JsonParserTest, ParsesNesting) {
  const Value value = Parse(R"({"a": [1, {"b": null}, []], "c": {}, "a": 2})");
  const Value::Object& object = value.AsObject();
  ASSERT_EQ(object.size(), 3u);
  EXPECT_EQ(object[0].first, "a");
  EXPECT_EQ(object[2].first, "a");
  const Value::Array& a = value.Find("a")->AsArray();  // The first "a".
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].AsInt(), 1);
  EXPECT_TRUE(a[1].Find("b")->is_null());
  EXPECT_TRUE(a[2].AsArray().empty());
  EXPECT_TRUE(value.Find("c")->AsObject().empty());
  EXPECT_EQ(value.Find("missing"), nullptr);
}

// Expects Parse(text) to fail at (line, column) with `reason` in the message.
void ExpectError(const std::string& text, int line, int column,
                 const std::string& reason) {
  try {
    Parse(text);
    ADD_FAILURE() << "parsed: " << text;
  } catch (const ParseError& e) {
    EXPECT_EQ(e.line(), line) << text << ": " << e.what();
    EXPECT_EQ(e.column(), column) << text << ": " << e.what();
    EXPECT_NE(std::string(e.what()).find(reason), std::string::npos)
        << text << ": " << e.what();
    EXPECT_EQ(std::string(e.what()).rfind("line " + std::to_string(line) +
                                              ", column " +
                                              std::to_string(column) + ": ",
                                          0),
              0u)
        << e.what();
  }
}

TEST(JsonParserTest, ReportsErrorsWithLineAndColumn) {
  ExpectError("", 1, 1, "unexpected end of input");
  ExpectError("{\"a\": 1,\n  \"b\" 2}", 2, 7, "expected ':'");
  ExpectError("[1, 2", 1, 6, "expected ']'");
  ExpectError("{\"a\": [1,\n2,\n", 3, 1, "unexpected end of input");
  ExpectError("\"abc", 1, 1, "unterminated string");
  ExpectError("[1] x", 1, 5, "unexpected text after");
  ExpectError("tru", 1, 1, "invalid literal");
  ExpectError("01", 1, 2, "leading zeros");
  ExpectError("1.", 1, 3, "decimal point");
  ExpectError("-", 1, 2, "expected a digit");
  ExpectError("1e", 1, 3, "exponent");
  ExpectError("1e999", 1, 1, "range");
  ExpectError("{1: 2}", 1, 2, "string key");
  ExpectError("[1,]", 1, 4, "expected a value");
  ExpectError("\"a\tb\"", 1, 3, "control character");
  ExpectError(R"("\x")", 1, 2, "invalid escape");
  ExpectError(R"("\u12zz")", 1, 6, "invalid hex digit");
  ExpectError(R"("\u12)", 1, 4, "truncated");
  ExpectError(R"("\ud83d")", 1, 2, "low surrogate");
  ExpectError(R"("\ude00")", 1, 2, "unpaired low surrogate");
  ExpectError("\"\xC3\"", 1, 2, "invalid UTF-8");
  ExpectError("\"\xED\xA0\x80\"", 1, 2, "invalid UTF-8");  // Raw surrogate.
  ExpectError("NaN", 1, 1, "expected a value");
}

TEST(JsonParserTest, RejectsDeepNesting) {
  const std::string ok(kMaxParseDepth, '[');
  EXPECT_NO_THROW(Parse(ok + std::string(kMaxParseDepth, ']')));
  const std::string deep(kMaxParseDepth + 1, '[');
  ExpectError(deep + std::string(kMaxParseDepth + 1, ']'), 1,
              kMaxParseDepth + 1, "nesting deeper");
}

}  // namespace
}  // namespace prolong::data::json
