// A JSON value: null, boolean, number, string, array or object.
//
// Numbers written without a fraction or exponent that fit in int64_t keep
// their exact integer value; all other numbers are doubles. Objects keep their
// members in document order (duplicate keys are kept; Find returns the first).

#ifndef PROLONG_DATA_JSON_VALUE_H_
#define PROLONG_DATA_JSON_VALUE_H_

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace prolong::data::json {

// Thrown when a value is read as a type it does not have.
class TypeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Value {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  using Array = std::vector<Value>;
  using Member = std::pair<std::string, Value>;
  using Object = std::vector<Member>;

  Value() = default;
  Value(std::nullptr_t) {}     // NOLINT(runtime/explicit): JSON-like literals.
  Value(bool b) : data_(b) {}  // NOLINT(runtime/explicit)
  Value(int i) : data_(static_cast<int64_t>(i)) {}  // NOLINT(runtime/explicit)
  Value(int64_t i) : data_(i) {}                    // NOLINT(runtime/explicit)
  Value(double d) : data_(d) {}                     // NOLINT(runtime/explicit)
  Value(std::string s) : data_(std::move(s)) {}     // NOLINT(runtime/explicit)
  Value(std::string_view s) : data_(std::string(s)) {}  // NOLINT
  Value(const char* s) : data_(std::string(s)) {}  // NOLINT(runtime/explicit)
  Value(Array a) : data_(std::move(a)) {}          // NOLINT(runtime/explicit)
  Value(Object o) : data_(std::move(o)) {}         // NOLINT(runtime/explicit)

  Type type() const;
  bool is_null() const { return type() == Type::kNull; }
  // True for numbers stored as an exact int64_t: those made from an integer
  // and those parsed from text without a fraction or exponent.
  bool is_integer() const;

  // Each accessor throws TypeError when the value has another type.
  bool AsBool() const;
  // Integers, and doubles with an integral value that fits in int64_t.
  int64_t AsInt() const;
  double AsDouble() const;
  const std::string& AsString() const;
  const Array& AsArray() const;
  Array& AsArray();
  const Object& AsObject() const;
  Object& AsObject();

  // The first member named `key`; nullptr when absent. Throws TypeError if
  // this is not an object.
  const Value* Find(std::string_view key) const;

  // Numbers compare by value, so 2 == 2.0.
  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }

 private:
  std::variant<std::nullptr_t, bool, int64_t, double, std::string, Array,
               Object>
      data_;
};

// "null", "boolean", "number", "string", "array" or "object".
const char* TypeName(Value::Type type);

}  // namespace prolong::data::json

#endif  // PROLONG_DATA_JSON_VALUE_H_
