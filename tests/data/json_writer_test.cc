#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "data/json/parser.h"
#include "data/json/value.h"
#include "data/json/writer.h"
#include "gtest/gtest.h"

namespace prolong::data::json {
namespace {

TEST(JsonWriterTest, WritesCompact) {
  const Value value = Value::Object{{"a", Value::Array{1, 2.5, true, nullptr}},
                                    {"b", "x"},
                                    {"c", Value::Object{}}};
  EXPECT_EQ(Write(value), R"({"a":[1,2.5,true,null],"b":"x","c":{}})");
}

TEST(JsonWriterTest, WritesIndented) {
  const Value value =
      Value::Object{{"a", Value::Array{1, 2}}, {"b", Value::Array{}}};
  EXPECT_EQ(Write(value, 2),
            "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": []\n}");
}

TEST(JsonWriterTest, EscapesStrings) {
  EXPECT_EQ(Write(Value(std::string("q\"b\\n\n\t\x01\x7F\xC4\xA0", 11))),
            "\"q\\\"b\\\\n\\n\\t\\u0001\x7F\xC4\xA0\"");
  EXPECT_EQ(Write(Value(std::string(1, '\0'))), "\"\\u0000\"");
}

TEST(JsonWriterTest, WritesNumbersExactly) {
  EXPECT_EQ(Write(Value(int64_t{-9223372036854775807 - 1})),
            "-9223372036854775808");
  EXPECT_EQ(Write(Value(0.1)), "0.1");
  EXPECT_EQ(Write(Value(1e300)), "1e+300");
  EXPECT_THROW(Write(Value(std::nan(""))), std::invalid_argument);
  EXPECT_THROW(Write(Value(std::numeric_limits<double>::infinity())),
               std::invalid_argument);
}

TEST(JsonWriterTest, RoundTripsThroughParser) {
  const Value value = Value::Object{
      {"text", "caf\xC3\xA9 \xF0\x9F\x98\x80 \"quoted\"\n"},
      {"numbers", Value::Array{0, -1, 3.25, 1e-7, int64_t{1} << 60}},
      {"nested", Value::Array{Value::Array{Value::Object{{"k", false}}}}}};
  EXPECT_EQ(Parse(Write(value)), value);
  EXPECT_EQ(Parse(Write(value, 4)), value);
}

}  // namespace
}  // namespace prolong::data::json
