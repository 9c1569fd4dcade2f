#include "data/tasks/helmet_jsonl.h"

#include <stdexcept>

#include "data/json/parser.h"
#include "data/tasks/passage.h"

namespace prolong::data {
namespace {

std::string StringField(const json::Value& row, std::string_view name) {
  const json::Value* value = row.Find(name);
  if (value == nullptr || value->is_null()) return "";
  if (value->type() == json::Value::Type::kNumber) {
    return std::to_string(value->AsInt());
  }
  return value->AsString();
}

// A string, or an integer in decimal (HELMET's ICL labels).
std::string ScalarString(const json::Value& value) {
  if (value.type() == json::Value::Type::kNumber) {
    return std::to_string(value.AsInt());
  }
  return value.AsString();
}

std::vector<std::string> Strings(const json::Value& value) {
  if (value.type() != json::Value::Type::kArray) return {ScalarString(value)};
  std::vector<std::string> out;
  for (const json::Value& item : value.AsArray()) {
    out.push_back(ScalarString(item));
  }
  return out;
}

}  // namespace

std::vector<json::Value> ParseJsonLines(std::string_view jsonl) {
  std::vector<json::Value> rows;
  int line_number = 0;
  while (!jsonl.empty()) {
    ++line_number;
    const size_t end = jsonl.find('\n');
    const std::string_view line = jsonl.substr(0, end);
    jsonl.remove_prefix(end == std::string_view::npos ? jsonl.size() : end + 1);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    try {
      rows.push_back(json::Parse(line));
    } catch (const json::ParseError& error) {
      throw std::runtime_error("JSON Lines line " +
                               std::to_string(line_number) + ": " +
                               error.what());
    }
  }
  return rows;
}

std::vector<std::string> AnswerList(const json::Value& row) {
  if (const json::Value* answers = row.Find("answers"))
    return Strings(*answers);
  if (const json::Value* answer = row.Find("answer")) return Strings(*answer);
  return {};
}

std::vector<HelmetRow> ReadHelmetRows(std::string_view jsonl) {
  std::vector<HelmetRow> rows;
  for (const json::Value& value : ParseJsonLines(jsonl)) {
    HelmetRow row;
    row.id =
        value.Find("id") ? StringField(value, "id") : StringField(value, "qid");
    row.question = value.Find("question") ? StringField(value, "question")
                                          : StringField(value, "query");
    row.answers = AnswerList(value);
    if (const json::Value* ctxs = value.Find("ctxs")) {
      for (const json::Value& ctx : ctxs->AsArray()) {
        HelmetContext c{StringField(ctx, "id"), StringField(ctx, "title"),
                        StringField(ctx, "text"), 0};
        if (const json::Value* label = ctx.Find("label")) {
          c.label = label->type() == json::Value::Type::kString
                        ? std::stoi(label->AsString())
                        : static_cast<int>(label->AsInt());
        }
        row.ctxs.push_back(std::move(c));
      }
    }
    if (value.Find("context") != nullptr) {
      row.context = StringField(value, "context");
    } else {
      for (const HelmetContext& c : row.ctxs) {
        if (!row.context.empty()) row.context += "\n\n";
        row.context += FormatPassage({c.title, c.text});
      }
    }
    if (const json::Value* demos = value.Find("demos")) {
      for (const json::Value& pair : demos->AsArray()) {
        const auto& items = pair.AsArray();
        if (items.size() != 2) {
          throw std::runtime_error("JSON KV demos must be [key, value] pairs");
        }
        row.demos.emplace_back(items[0].AsString(), items[1].AsString());
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<LabelledText> ReadLabelledTexts(std::string_view jsonl) {
  std::vector<LabelledText> out;
  for (const json::Value& row : ParseJsonLines(jsonl)) {
    if (row.Find("text") == nullptr || row.Find("label") == nullptr) {
      throw std::runtime_error("ICL rows need \"text\" and \"label\"");
    }
    out.push_back({StringField(row, "text"), StringField(row, "label")});
  }
  return out;
}

}  // namespace prolong::data
