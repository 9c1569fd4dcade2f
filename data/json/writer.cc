#include "data/json/writer.h"

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>
#include <string_view>

namespace prolong::data::json {
namespace {

void WriteString(std::string_view s, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (const char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[(c >> 4) & 0xF]);
          out->push_back(kHex[c & 0xF]);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

void WriteNumber(const Value& value, std::string* out) {
  char buffer[32];
  std::to_chars_result result;
  if (value.is_integer()) {
    result = std::to_chars(buffer, buffer + sizeof(buffer), value.AsInt());
  } else {
    const double d = value.AsDouble();
    if (!std::isfinite(d)) {
      throw std::invalid_argument("JSON cannot represent " + std::to_string(d));
    }
    result = std::to_chars(buffer, buffer + sizeof(buffer), d);
  }
  out->append(buffer, result.ptr);
}

class Writer {
 public:
  Writer(int indent, std::string* out) : indent_(indent), out_(out) {}

  void WriteValue(const Value& value, int depth) {
    switch (value.type()) {
      case Value::Type::kNull:
        out_->append("null");
        break;
      case Value::Type::kBool:
        out_->append(value.AsBool() ? "true" : "false");
        break;
      case Value::Type::kNumber:
        WriteNumber(value, out_);
        break;
      case Value::Type::kString:
        WriteString(value.AsString(), out_);
        break;
      case Value::Type::kArray: {
        const Value::Array& array = value.AsArray();
        out_->push_back('[');
        for (size_t i = 0; i < array.size(); ++i) {
          if (i > 0) out_->push_back(',');
          NewLine(depth + 1);
          WriteValue(array[i], depth + 1);
        }
        if (!array.empty()) NewLine(depth);
        out_->push_back(']');
        break;
      }
      case Value::Type::kObject: {
        const Value::Object& object = value.AsObject();
        out_->push_back('{');
        for (size_t i = 0; i < object.size(); ++i) {
          if (i > 0) out_->push_back(',');
          NewLine(depth + 1);
          WriteString(object[i].first, out_);
          out_->append(indent_ < 0 ? ":" : ": ");
          WriteValue(object[i].second, depth + 1);
        }
        if (!object.empty()) NewLine(depth);
        out_->push_back('}');
        break;
      }
    }
  }

 private:
  void NewLine(int depth) {
    if (indent_ < 0) return;
    out_->push_back('\n');
    out_->append(static_cast<size_t>(depth) * indent_, ' ');
  }

  int indent_;
  std::string* out_;
};

}  // namespace

std::string Write(const Value& value, int indent) {
  std::string out;
  Writer(indent, &out).WriteValue(value, 0);
  return out;
}

}  // namespace prolong::data::json
