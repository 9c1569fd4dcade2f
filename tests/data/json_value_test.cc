#include <string>

#include "data/json/value.h"
#include "gtest/gtest.h"

namespace prolong::data::json {
namespace {

TEST(JsonValueTest, ReportsTypes) {
  EXPECT_EQ(Value().type(), Value::Type::kNull);
  EXPECT_EQ(Value(true).type(), Value::Type::kBool);
  EXPECT_EQ(Value(3).type(), Value::Type::kNumber);
  EXPECT_EQ(Value(3.5).type(), Value::Type::kNumber);
  EXPECT_EQ(Value("s").type(), Value::Type::kString);
  EXPECT_EQ(Value(Value::Array{}).type(), Value::Type::kArray);
  EXPECT_EQ(Value(Value::Object{}).type(), Value::Type::kObject);
}

TEST(JsonValueTest, WrongTypeThrowsWithBothTypes) {
  try {
    Value(3).AsString();
    FAIL() << "no exception";
  } catch (const TypeError& e) {
    EXPECT_STREQ(e.what(), "expected string, got number");
  }
  EXPECT_THROW(Value("x").Find("k"), TypeError);
  EXPECT_THROW(Value(1e30).AsInt(), TypeError);
}

TEST(JsonValueTest, NumbersCompareByValue) {
  EXPECT_EQ(Value(2), Value(2.0));
  EXPECT_NE(Value(2), Value(2.5));
  EXPECT_NE(Value(2), Value("2"));
  EXPECT_EQ(Value(Value::Array{1, "a"}), Value(Value::Array{1.0, "a"}));
}

TEST(JsonValueTest, ArraysAndObjectsAreMutable) {
  Value value = Value::Object{{"list", Value::Array{}}};
  value.AsObject()[0].second.AsArray().push_back(7);
  value.AsObject()[0].second.AsArray().push_back("x");
  EXPECT_EQ(value.Find("list")->AsArray().at(0).AsInt(), 7);
  EXPECT_EQ(value.Find("list")->AsArray().at(1).AsString(), "x");
}

}  // namespace
}  // namespace prolong::data::json
