#include "data/json/value.h"

#include <cmath>

namespace prolong::data::json {
namespace {

[[noreturn]] void ThrowType(Value::Type expected, Value::Type actual) {
  throw TypeError(std::string("expected ") + TypeName(expected) + ", got " +
                  TypeName(actual));
}

}  // namespace

const char* TypeName(Value::Type type) {
  switch (type) {
    case Value::Type::kNull:
      return "null";
    case Value::Type::kBool:
      return "boolean";
    case Value::Type::kNumber:
      return "number";
    case Value::Type::kString:
      return "string";
    case Value::Type::kArray:
      return "array";
    case Value::Type::kObject:
      return "object";
  }
  return "unknown";
}

Value::Type Value::type() const {
  switch (data_.index()) {
    case 0:
      return Type::kNull;
    case 1:
      return Type::kBool;
    case 2:
    case 3:
      return Type::kNumber;
    case 4:
      return Type::kString;
    case 5:
      return Type::kArray;
    default:
      return Type::kObject;
  }
}

bool Value::is_integer() const {
  return std::holds_alternative<int64_t>(data_);
}

bool Value::AsBool() const {
  if (const bool* b = std::get_if<bool>(&data_)) return *b;
  ThrowType(Type::kBool, type());
}

int64_t Value::AsInt() const {
  if (const int64_t* i = std::get_if<int64_t>(&data_)) return *i;
  if (const double* d = std::get_if<double>(&data_)) {
    // 2^63 is exactly representable; the int64_t range is [-2^63, 2^63).
    if (std::trunc(*d) != *d || *d < -9223372036854775808.0 ||
        *d >= 9223372036854775808.0) {
      throw TypeError("expected an integer, got " + std::to_string(*d));
    }
    return static_cast<int64_t>(*d);
  }
  ThrowType(Type::kNumber, type());
}

double Value::AsDouble() const {
  if (const double* d = std::get_if<double>(&data_)) return *d;
  if (const int64_t* i = std::get_if<int64_t>(&data_)) {
    return static_cast<double>(*i);
  }
  ThrowType(Type::kNumber, type());
}

const std::string& Value::AsString() const {
  if (const std::string* s = std::get_if<std::string>(&data_)) return *s;
  ThrowType(Type::kString, type());
}

const Value::Array& Value::AsArray() const {
  if (const Array* a = std::get_if<Array>(&data_)) return *a;
  ThrowType(Type::kArray, type());
}

Value::Array& Value::AsArray() {
  if (Array* a = std::get_if<Array>(&data_)) return *a;
  ThrowType(Type::kArray, type());
}

const Value::Object& Value::AsObject() const {
  if (const Object* o = std::get_if<Object>(&data_)) return *o;
  ThrowType(Type::kObject, type());
}

Value::Object& Value::AsObject() {
  if (Object* o = std::get_if<Object>(&data_)) return *o;
  ThrowType(Type::kObject, type());
}

bool Value::operator==(const Value& other) const {
  if (type() == Type::kNumber && other.type() == Type::kNumber &&
      !(is_integer() && other.is_integer())) {
    return AsDouble() == other.AsDouble();
  }
  return data_ == other.data_;
}

const Value* Value::Find(std::string_view key) const {
  for (const Member& member : AsObject()) {
    if (member.first == key) return &member.second;
  }
  return nullptr;
}

}  // namespace prolong::data::json
