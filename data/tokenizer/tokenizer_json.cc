#include "data/tokenizer/tokenizer_json.h"

#include <optional>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "data/io/atomic_file.h"
#include "data/json/parser.h"
#include "data/json/value.h"
#include "data/json/writer.h"
#include "data/tokenizer/byte_level.h"
#include "data/tokenizer/pretokenizer.h"

namespace prolong::data {
namespace {

using json::Value;

// An error in the file's contents; `where` is a JSON path such as
// "model.merges[3]".
[[noreturn]] void Fail(const std::string& where, const std::string& what) {
  throw std::runtime_error(where + ": " + what);
}

const Value& Expect(const Value& value, Value::Type type,
                    const std::string& where) {
  if (value.type() != type) {
    Fail(where, std::string("expected ") + json::TypeName(type) + ", got " +
                    json::TypeName(value.type()));
  }
  return value;
}

const Value& Field(const Value& object, std::string_view key,
                   const std::string& where) {
  const Value* field = object.Find(key);
  if (field == nullptr) {
    Fail(where, "missing field '" + std::string(key) + "'");
  }
  return *field;
}

int32_t ReadId(const Value& value, const std::string& where) {
  if (value.type() != Value::Type::kNumber || !value.is_integer()) {
    Fail(where, "expected an integer id");
  }
  const int64_t id = value.AsInt();
  if (id < 0 || id >= kMaxTokenizerJsonId) {
    Fail(where, "id " + std::to_string(id) + " is outside [0, " +
                    std::to_string(kMaxTokenizerJsonId) + ")");
  }
  return static_cast<int32_t>(id);
}

// A field that must be absent, null or `allowed` (an unsupported option).
void RejectOption(const Value& model, std::string_view key,
                  const Value& allowed) {
  const Value* field = model.Find(key);
  if (field != nullptr && !field->is_null() && *field != allowed) {
    Fail("model." + std::string(key),
         "is not supported (only null or " + json::Write(allowed) + ")");
  }
}

std::pair<std::string, std::string> ReadMergeParts(const Value& merge,
                                                   const std::string& where) {
  if (merge.type() == Value::Type::kString) {
    const std::string& text = merge.AsString();
    const size_t space = text.find(' ');
    if (space == std::string::npos || text.find(' ', space + 1) != text.npos) {
      Fail(where,
           "expected two tokens separated by one space, got '" + text + "'");
    }
    return {text.substr(0, space), text.substr(space + 1)};
  }
  if (merge.type() == Value::Type::kArray && merge.AsArray().size() == 2) {
    const Value::Array& parts = merge.AsArray();
    return {Expect(parts[0], Value::Type::kString, where + "[0]").AsString(),
            Expect(parts[1], Value::Type::kString, where + "[1]").AsString()};
  }
  Fail(where, "expected a string \"a b\" or an array [\"a\", \"b\"]");
}

TokenizerJson FromJson(const Value& root) {
  Expect(root, Value::Type::kObject, "top level");
  const Value& model =
      Expect(Field(root, "model", "top level"), Value::Type::kObject, "model");
  if (const Value* type = model.Find("type")) {
    const std::string& name =
        Expect(*type, Value::Type::kString, "model.type").AsString();
    if (name != "BPE") Fail("model.type", "is '" + name + "', expected 'BPE'");
  }
  RejectOption(model, "dropout", Value(0.0));
  RejectOption(model, "continuing_subword_prefix", Value(""));
  RejectOption(model, "end_of_word_suffix", Value(""));

  // Vocabulary: byte-level text -> id.
  const Value::Object& vocab = Expect(Field(model, "vocab", "model"),
                                      Value::Type::kObject, "model.vocab")
                                   .AsObject();
  std::unordered_map<std::string_view, int32_t> ids;
  ids.reserve(vocab.size());
  std::vector<std::string> tokens;
  for (const auto& [text, id_value] : vocab) {
    const std::string where = "model.vocab[\"" + text + "\"]";
    const int32_t id = ReadId(id_value, where);
    std::optional<std::string> bytes = FromByteLevel(text);
    if (!bytes || bytes->empty()) {
      Fail(where,
           "is not a byte-level token (a character is outside GPT-2's "
           "byte-to-unicode alphabet)");
    }
    if (!ids.emplace(text, id).second) Fail(where, "appears twice");
    if (static_cast<size_t>(id) >= tokens.size()) tokens.resize(id + 1);
    if (!tokens[id].empty()) {
      Fail(where, "id " + std::to_string(id) + " is used by another token");
    }
    tokens[id] = std::move(*bytes);
  }

  // Merges, in rank order.
  const Value::Array& merge_values = Expect(Field(model, "merges", "model"),
                                            Value::Type::kArray, "model.merges")
                                         .AsArray();
  std::vector<Merge> merges;
  merges.reserve(merge_values.size());
  for (size_t i = 0; i < merge_values.size(); ++i) {
    const std::string where = "model.merges[" + std::to_string(i) + "]";
    const auto [left, right] = ReadMergeParts(merge_values[i], where);
    const auto id_of = [&](const std::string& text) {
      const auto it = ids.find(text);
      if (it == ids.end()) Fail(where, "'" + text + "' is not in model.vocab");
      return it->second;
    };
    merges.push_back({id_of(left), id_of(right), id_of(left + right)});
  }

  bool ignore_merges = false;
  if (const Value* value = model.Find("ignore_merges")) {
    ignore_merges =
        Expect(*value, Value::Type::kBool, "model.ignore_merges").AsBool();
  }

  std::vector<AddedToken> added_tokens;
  if (const Value* added = root.Find("added_tokens")) {
    const Value::Array& entries =
        Expect(*added, Value::Type::kArray, "added_tokens").AsArray();
    for (size_t i = 0; i < entries.size(); ++i) {
      const std::string where = "added_tokens[" + std::to_string(i) + "]";
      const Value& entry = Expect(entries[i], Value::Type::kObject, where);
      AddedToken token;
      token.id = ReadId(Field(entry, "id", where), where + ".id");
      token.content = Expect(Field(entry, "content", where),
                             Value::Type::kString, where + ".content")
                          .AsString();
      if (token.content.empty()) Fail(where + ".content", "is empty");
      token.special = false;
      if (const Value* special = entry.Find("special")) {
        token.special =
            Expect(*special, Value::Type::kBool, where + ".special").AsBool();
      }
      added_tokens.push_back(std::move(token));
    }
  }
  try {
    return {BpeModel(std::move(tokens), std::move(merges), ignore_merges),
            std::move(added_tokens)};
  } catch (const std::invalid_argument& e) {
    Fail("model", e.what());
  }
}

Value::Object ByteLevelOptions(bool add_prefix_space, bool use_regex) {
  return {{"type", "ByteLevel"},
          {"add_prefix_space", add_prefix_space},
          {"trim_offsets", true},
          {"use_regex", use_regex}};
}

Value ToJson(const BpeModel& model,
             const std::vector<AddedToken>& added_tokens) {
  Value::Array added;
  for (const AddedToken& token : added_tokens) {
    added.push_back(Value::Object{{"id", token.id},
                                  {"content", token.content},
                                  {"single_word", false},
                                  {"lstrip", false},
                                  {"rstrip", false},
                                  {"normalized", false},
                                  {"special", token.special}});
  }
  const std::vector<std::string>& tokens = model.tokens();
  std::vector<std::string> texts(tokens.size());
  Value::Object vocab;
  for (size_t id = 0; id < tokens.size(); ++id) {
    if (tokens[id].empty()) continue;
    texts[id] = ToByteLevel(tokens[id]);
    vocab.emplace_back(texts[id], static_cast<int64_t>(id));
  }
  Value::Array merges;
  merges.reserve(model.merges().size());
  for (const Merge& merge : model.merges()) {
    merges.push_back(texts[merge.left] + " " + texts[merge.right]);
  }
  const Value::Object split = {
      {"type", "Split"},
      {"pattern", Value::Object{{"Regex", kPreTokenPattern}}},
      {"behavior", "Isolated"},
      {"invert", false}};
  return Value::Object{
      {"version", "1.0"},
      {"truncation", nullptr},
      {"padding", nullptr},
      {"added_tokens", std::move(added)},
      {"normalizer", nullptr},
      {"pre_tokenizer",
       Value::Object{{"type", "Sequence"},
                     {"pretokenizers",
                      Value::Array{split, ByteLevelOptions(false, false)}}}},
      {"post_processor", nullptr},
      {"decoder", ByteLevelOptions(true, true)},
      {"model", Value::Object{{"type", "BPE"},
                              {"dropout", nullptr},
                              {"unk_token", nullptr},
                              {"continuing_subword_prefix", nullptr},
                              {"end_of_word_suffix", nullptr},
                              {"fuse_unk", false},
                              {"byte_fallback", false},
                              {"ignore_merges", model.ignore_merges()},
                              {"vocab", std::move(vocab)},
                              {"merges", std::move(merges)}}},
  };
}

}  // namespace

TokenizerJson ReadTokenizerJson(const std::string& path) {
  const std::string prefix = "tokenizer file '" + path + "': ";
  std::string text;
  try {
    text = io::ReadFile(path);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(prefix + e.what());
  }
  Value root;
  try {
    root = json::Parse(text);
  } catch (const json::ParseError& e) {
    throw std::runtime_error(prefix + "invalid JSON at " + e.what());
  }
  try {
    return FromJson(root);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(prefix + e.what());
  }
}

void WriteTokenizerJson(const std::string& path, const BpeModel& model,
                        const std::vector<AddedToken>& added_tokens) {
  io::WriteFileAtomically(path,
                          json::Write(ToJson(model, added_tokens), 2) + "\n");
}

}  // namespace prolong::data
